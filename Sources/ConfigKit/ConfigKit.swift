// Placeholder: the ConfigKit module is being built (see ARCHITECTURE.md).
