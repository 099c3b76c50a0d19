import Foundation

/// UTC times as run files record them: ISO 8601 to the second, "2026-12-07T23:51:22Z" — the text
/// `ISO8601DateFormatter` gives with its default options, without building a formatter (an ICU
/// object, about a millisecond) for each time written.
public enum Timestamp {
    /// `date` in UTC, seconds truncated. O(1).
    public static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return padded(Int(parts.tm_year) + 1900, 4) + "-" + padded(Int(parts.tm_mon) + 1, 2) + "-" + padded(Int(parts.tm_mday), 2)
            + "T" + padded(Int(parts.tm_hour), 2) + ":" + padded(Int(parts.tm_min), 2) + ":" + padded(Int(parts.tm_sec), 2) + "Z"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
