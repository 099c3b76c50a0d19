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
    private let width: () -> Int
    private var lastDraw = Date.distantPast
    private var liveVisible = false
    private let lock = NSLock()

    /// `width` gives the terminal's columns for the live line (default: standard error's window size).
    package init(mode: Mode, write: ((String) -> Void)? = nil, width: (() -> Int)? = nil) {
        self.mode = mode
        self.write = write ?? { text in FileHandle.standardError.write(Data(text.utf8)) }
        self.width = width ?? Self.terminalWidth
    }

    /// `.live` when standard error is a terminal, `.plain` otherwise, `.quiet` when asked.
    package static func automatic(quiet: Bool, interval: TimeInterval = 30) -> ProgressLine {
        if quiet { return ProgressLine(mode: .quiet) }
        return ProgressLine(mode: isatty(STDERR_FILENO) != 0 ? .live : .plain(interval: interval))
    }

    /// Shows the current status; throttled. `force` draws regardless of the throttle. On a live
    /// line narrower than the text, `status` is cut and `tail` (the ETA) is kept whole at its end.
    package func update(_ status: String, tail: String? = nil, force: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        switch mode {
        case .quiet:
            return
        case .live:
            guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            write("\r\u{1B}[2K" + Self.fitted(status, tail: tail, width: width()))
            liveVisible = true
        case let .plain(interval):
            guard force || now.timeIntervalSince(lastDraw) >= interval else { return }
            write(status + (tail.map { " | " + $0 } ?? "") + "\n")
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

    /// `head | tail` in at most `width − 1` columns (the last column stays free so the terminal
    /// never wraps): `head` is cut, ending in "…", before `tail` loses a character.
    package static func fitted(_ head: String, tail: String?, width: Int) -> String {
        let room = max(20, width - 1)
        guard let tail else { return head.count <= room ? head : String(head.prefix(room - 1)) + "…" }
        let suffix = " | " + tail
        if head.count + suffix.count <= room { return head + suffix }
        let keep = room - suffix.count - 1
        guard keep > 0 else { return String(tail.prefix(room)) }
        return String(head.prefix(keep)) + "…" + suffix
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
