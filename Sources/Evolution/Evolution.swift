// Placeholder: the Evolution module is being built (see ARCHITECTURE.md).
