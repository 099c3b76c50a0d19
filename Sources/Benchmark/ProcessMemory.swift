import Foundation

/// Resident-memory figures of the running process, from Linux `/proc/self/status`.
package enum ProcessMemory {
    /// Peak resident set size (`VmHWM`) in bytes, or nil where /proc is unavailable.
    package static func peakResidentBytes() -> Int? { field("VmHWM") }

    /// Current resident set size (`VmRSS`) in bytes, or nil where /proc is unavailable.
    package static func residentBytes() -> Int? { field("VmRSS") }

    /// Reads a "Name:   1234 kB" line.
    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kb = Int(parts[1]) else { return nil }
            return kb * 1024
        }
        return nil
    }
}
