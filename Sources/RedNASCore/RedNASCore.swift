// Placeholder: the RedNASCore module is being built (see ARCHITECTURE.md).
