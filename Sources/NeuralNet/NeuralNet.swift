// Placeholder: the NeuralNet module is being built (see ARCHITECTURE.md).
