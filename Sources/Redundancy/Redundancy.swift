// Placeholder: the Redundancy module is being built (see ARCHITECTURE.md).
