// Placeholder: the CellSpace module is being built (see ARCHITECTURE.md).
