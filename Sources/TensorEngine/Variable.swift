/// A handle to one value recorded on a `Graph` (an index into its tape).
public struct Variable: Hashable, Sendable {
    /// Position of the value on its graph's tape; meaningful only for the graph that created it.
    public let index: Int
}
