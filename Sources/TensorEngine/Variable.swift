/// A handle to one value recorded on a `Graph` (an index into its tape).
public struct Variable: Hashable, Sendable {
    public let index: Int
}
