import Foundation
import RunModel
import Search
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rednas serve`: a minimal blocking HTTP/1.1 server (POSIX sockets, one request per connection)
/// over a run's report folder. Before answering `/`, `/index.html` or `/stamp` it regenerates the
/// report when the run's stamp (journal size and modification time, config modification time, the
/// running candidate's `epochs.jsonl`) changed; the page polls `/stamp` and reloads itself when it differs from its own. Details pages
/// not yet written (or older than the last regeneration) are made on request. Only GET and HEAD;
/// paths never leave the report folder.
package final class ReportServer {
    package let run: RunDirectory
    package let folder: URL
    package let host: String
    package let topK: Int
    package let details: RunReport.DetailPages
    /// The bound port (the kernel's choice when asked for port 0).
    package private(set) var port: UInt16
    private var listener: Int32 = -1
    private var stamp = ""
    private var generated = Date.distantPast
    private var report: RunReport?

    package init(run: RunDirectory, folder: URL, host: String = "127.0.0.1", port: UInt16, topK: Int = 10,
                details: RunReport.DetailPages = .top(50)) {
        self.run = run; self.folder = folder; self.host = host; self.port = port
        self.topK = topK; self.details = details
    }

    deinit { if listener >= 0 { close(listener) } }

    /// The epoch log of the candidate in training at the last regeneration (its growth is a change too).
    private var liveEpochLog: URL?

    /// The run's change stamp: journal size and mtime, config mtime ("-" for a missing file).
    package static func stamp(of run: RunDirectory) -> String { part(run.journal) + "/" + part(run.config) }

    private static func part(_ url: URL) -> String {
        guard let a = try? FileManager.default.attributesOfItem(atPath: url.path) else { return "-" }
        let size = (a[.size] as? NSNumber)?.intValue ?? 0
        let time = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)@\(String(format: "%.6f", time))"
    }

    /// `stamp(of:)` plus the running candidate's `epochs.jsonl`, so a finished epoch also refreshes the page.
    private func currentStamp() -> String { Self.stamp(of: run) + (liveEpochLog.map { "/" + Self.part($0) } ?? "") }

    /// Regenerates the report when the run changed since the last time (or never was). Returns
    /// whether it did. - Throws: the report's error (e.g. `SearchError.notARun`).
    @discardableResult
    package func refresh() throws -> Bool {
        guard currentStamp() != stamp || report == nil else { return false }
        // Stamp parts are read before the files they describe, so a change racing the
        // regeneration shows up at the next poll instead of being lost.
        let journalPart = Self.stamp(of: run)
        var fresh = try RunReport.load(run, topK: topK)
        liveEpochLog = fresh.snapshot.running.map {
            run.trainingFolder(number: $0.number, index: $0.index).appendingPathComponent(CandidateFile.epochLogName)
        }
        let now = journalPart + (liveEpochLog.map { "/" + Self.part($0) } ?? "")
        fresh.liveStamp = now
        try fresh.write(to: folder, details: details, linkAllPages: true)
        report = fresh
        stamp = now
        generated = Date()
        return true
    }

    /// Binds `host:port` and listens.
    /// - Throws: `ReportError.server` naming the address and the cause (port in use, not an IPv4 address, …).
    package func listen() throws {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw ReportError.server("--host \(host) is not an IPv4 address (use 127.0.0.1, or 0.0.0.0 for every interface)")
        }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw ReportError.server("socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 {
            let code = errno
            close(fd)
            if code == EADDRINUSE {
                throw ReportError.server("port \(port) on \(host) is already in use; pick another with --port (or --port 0 for any free one)")
            }
            if code == EACCES {
                throw ReportError.server("no permission to listen on \(host):\(port) (ports below 1024 need privileges); use --port 8000 or above")
            }
            throw ReportError.server("cannot bind \(host):\(port): \(String(cString: strerror(code)))")
        }
        guard systemListen(fd, 16) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ReportError.server("cannot listen on \(host):\(port): \(message)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listener = fd
    }

    /// Answers requests until the process ends; `log` gets one line per failed regeneration.
    package func serve(log: (String) -> Void) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let response = handle(Self.readRequest(client), log: log)
            Self.send(response, to: client)
            close(client)
        }
    }

    struct Response {
        var status: String
        var type: String
        var body: Data
        var headOnly = false
    }

    /// The answer to one request line ("GET /path HTTP/1.1").
    func handle(_ request: String?, log: (String) -> Void) -> Response {
        guard let line = request?.split(separator: "\r\n", maxSplits: 1).first ?? request?.split(separator: "\n").first else {
            return Self.text("400 Bad Request", "bad request\n")
        }
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return Self.text("400 Bad Request", "bad request line\n") }
        guard parts[0] == "GET" || parts[0] == "HEAD" else { return Self.text("405 Method Not Allowed", "only GET and HEAD\n") }
        var path = String(parts[1].split(separator: "?", maxSplits: 1).first ?? "/")
        path = path.removingPercentEncoding ?? path
        if path == "/" { path = "/index.html" }
        if path == "/index.html" || path == "/stamp" {
            do { try refresh() } catch {
                log("report not regenerated: \(error)")
                if report == nil { return Self.text("500 Internal Server Error", "cannot make the report: \(error)\n") }
            }
            if path == "/stamp" { return Self.text("200 OK", stamp) }
        }
        let components = path.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) else {
            return Self.text("404 Not Found", "not found\n")
        }
        let file = components.reduce(folder) { $0.appendingPathComponent($1) }
        if components.count == 2, components[0] == "pages", components[1].hasSuffix(".html") {
            makePageIfStale(file, name: components[1])
        }
        guard let data = try? Data(contentsOf: file) else { return Self.text("404 Not Found", "not found: \(path)\n") }
        var response = Response(status: "200 OK", type: Self.contentType(file.pathExtension), body: data)
        response.headOnly = parts[0] == "HEAD"
        return response
    }

    /// Writes a details page from the current report when missing or older than the last regeneration.
    private func makePageIfStale(_ file: URL, name: String) {
        let modified = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
        if let modified, modified >= generated { return }
        if report == nil { _ = try? refresh() }
        guard let number = Int(name.prefix { $0.isNumber }) else { return }
        _ = try? report?.writePage(number: number, into: folder)
    }

    static func contentType(_ ext: String) -> String {
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "md", "txt": return "text/plain; charset=utf-8"
        case "json": return "application/json"
        case "png": return "image/png"
        default: return "application/octet-stream"
        }
    }

    static func text(_ status: String, _ body: String) -> Response {
        Response(status: status, type: "text/plain; charset=utf-8", body: Data(body.utf8))
    }

    /// Reads the request head (up to 64 KB, until the blank line); nil on error or timeout.
    static func readRequest(_ fd: Int32) -> String? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < 65_536 {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data.append(buffer, count: n)
            if data.range(of: Data("\r\n\r\n".utf8)) != nil || data.range(of: Data("\n\n".utf8)) != nil { break }
        }
        return data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
    }

    static func send(_ response: Response, to fd: Int32) {
        let head = "HTTP/1.1 \(response.status)\r\nContent-Type: \(response.type)\r\nContent-Length: \(response.body.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        var bytes = Data(head.utf8)
        if !response.headOnly { bytes.append(response.body) }
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = systemSend(fd, raw.baseAddress! + offset, raw.count - offset, flags)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

// The class's `listen` and `send` names shadow the C functions inside it.
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }
private func systemSend(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    send(fd, buffer, count, flags)
}
