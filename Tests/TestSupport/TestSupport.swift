// Oracles and test doubles shared by the test targets.
