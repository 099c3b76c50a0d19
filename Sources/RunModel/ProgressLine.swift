import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reports progress the way a terminal user expects: on a terminal, one live line redrawn in
/// place (at most 10 times a second); otherwise (logs, CI, pipes) a plain line at most every
/// `interval` seconds; nothing at all when quiet. Permanent messages go through `log`.
///
/// Progress goes to standard error so that standard output stays clean for results (JSON).
package final class ProgressLine {
    package enum Mode: Equatable {
        case live
        case plain(interval: TimeInterval)
        case quiet
    }

    package let mode: Mode
    private let write: (String) -> Void
    private var lastDraw = Date.distantPast
    private var liveVisible = false
    private let lock = NSLock()

    package init(mode: Mode, write: ((String) -> Void)? = nil) {
        self.mode = mode
        self.write = write ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// `.live` when standard error is a terminal, `.plain` otherwise, `.quiet` when asked.
    package static func automatic(quiet: Bool, interval: TimeInterval = 30) -> ProgressLine {
        if quiet { return ProgressLine(mode: .quiet) }
        return ProgressLine(mode: isatty(STDERR_FILENO) != 0 ? .live : .plain(interval: interval))
    }

    /// Shows the current status; throttled. `force` draws regardless of the throttle.
    package func update(_ status: String, force: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        switch mode {
        case .quiet:
            return
        case .live:
            guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            let width = Self.terminalWidth()
            write("\r\u{1B}[2K" + String(status.prefix(max(20, width - 1))))
            liveVisible = true
        case let .plain(interval):
            guard force || now.timeIntervalSince(lastDraw) >= interval else { return }
            write(status + "\n")
        }
        lastDraw = now
    }

    /// A permanent line (clears the live line first, which is then redrawn by the next update).
    package func log(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        if mode == .quiet { return }
        if liveVisible { write("\r\u{1B}[2K"); liveVisible = false; lastDraw = .distantPast }
        write(line + "\n")
    }

    /// Ends the live line so following output starts on a fresh line.
    package func finish() {
        lock.lock(); defer { lock.unlock() }
        if liveVisible { write("\n"); liveVisible = false }
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 120
    }
}

/// Human-readable durations: "42s", "3m05s", "1h02m".
package func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "?" }
    let s = Int(seconds.rounded())
    if s < 60 { return "\(s)s" }
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
