/// The standard search space, built into the binary so a search works from any directory.
/// `search.space: nats-tss` (the default) reads this text; any other value is a file path.
/// This is `SearchSpaces/nats-tss.yaml` verbatim (a test checks they are identical: edit both).
extension SearchSpaceFile {
    /// The value of `search.space` that selects the built-in space.
    package static let builtInName = "nats-tss"

    /// The text of `SearchSpaces/nats-tss.yaml`.
    package static let builtInYAML = """
    # NATS-Bench topology search space (TSS), identical to NAS-Bench-201.
    #
    # A cell has 4 nodes: node 0 is the cell input, node 3 the cell output. Every pair j < i is an edge
    # (6 edges, in string order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2), and node i is the sum of op(node j)
    # over its incoming edges. Each edge carries one of the operations below, so the full space holds
    # 5^6 = 15,625 cells, numbered 0...15624 exactly as the benchmark numbers them.
    #
    # To search a restricted space, copy this file and delete operations (keep at least 2; no
    # duplicates). Sampling and mutation then use only the listed operations; the benchmark index and
    # string of every cell stay those of the full space.
    name: nats-tss
    nodes: 4                # must be 4 (the benchmark's cell)
    # Operations, by their benchmark names (any order; reports use this canonical order):
    #   none          zeros: the edge is absent
    #   skip_connect  identity
    #   nor_conv_1x1  ReLU -> Conv 1x1 (no bias) -> BatchNorm
    #   nor_conv_3x3  ReLU -> Conv 3x3, pad 1 (no bias) -> BatchNorm
    #   avg_pool_3x3  3x3 average pool, stride 1, pad 1, averaging in-image pixels only
    operations: [none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3]

    """
}
