// Placeholder: the Datasets module is being built (see ARCHITECTURE.md).
