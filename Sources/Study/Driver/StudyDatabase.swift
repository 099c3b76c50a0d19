/// Where a study's searches live when it runs with `rednas study --storage URL`: each (arm, seed)
/// search is a database search named `<prefix>.<arm>.seed-<s>`, which `rednas worker --storage URL
/// --study <prefix>` on any machine can join. When a search ends it is copied into its run
/// directory, so the analysis and the report read it as they read a local run.
package struct StudyDatabase: Codable, Equatable, Sendable {
    /// The database URL without a password (children read it from `PGPASSWORD` or `~/.pgpass`).
    package var url: String
    /// The first part of every search name: the study directory's name.
    package var prefix: String

    package init(url: String, prefix: String) { self.url = url; self.prefix = prefix }

    /// The database name of `job`'s search.
    package func searchName(arm: String, seed: Int) -> String { "\(prefix).\(arm).seed-\(seed)" }
}
