import ArgumentParser
import Foundation
import Reports
import Search

/// `rednas serve DIR`: the run's report over HTTP, regenerated as the run goes on.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a run's report over HTTP; it refreshes itself while the search runs.",
        usage: "rednas serve <directory> [--port <port>] [--host <host>] [--output <dir>]\n  [--top <n>]",
        discussion: """
            Writes the report (as `rednas report`) into --output (default DIR/report) and serves that
            folder. When the run's journal changes the report is regenerated, and an open page reloads
            itself (it polls /stamp every 3 s). Every candidate in the table links to its details page;
            pages not written yet are made on request. Listens on 127.0.0.1 only unless --host says
            otherwise. Stop with Ctrl-C.

            Example: rednas serve Results/fmnist-rea-seed0 --port 8000   (then open http://127.0.0.1:8000/)
            """
    )

    @Argument(help: "The run directory (made by `rednas search`).")
    var directory: String

    @Option(parsing: .unconditional, help: "TCP port (0: any free port, printed at start).")
    var port = 8000

    @Option(help: "Address to listen on (IPv4). 0.0.0.0 exposes the report to the network.")
    var host = "127.0.0.1"

    @Option(help: "Folder for the report files (default: DIR/report).")
    var output: String?

    @Option(parsing: .unconditional, help: "Rows in the top-K table.")
    var top: Int = 10

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, found \(port)") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1, found \(top)") }
    }

    func run() throws {
        let run = RunDirectory(URL(fileURLWithPath: directory))
        let folder = output.map { URL(fileURLWithPath: $0) } ?? run.url.appendingPathComponent("report")
        let server = ReportServer(run: run, folder: folder, host: host, port: UInt16(port), topK: top)
        try server.refresh()   // a bad directory fails here, before listening
        try server.listen()
        let line = "serving \(run.url.path) at http://\(host):\(server.port)/ (report in \(folder.path); Ctrl-C to stop)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        server.serve { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
    }
}
