// Placeholder: the Networks module is being built (see ARCHITECTURE.md).
