import Foundation

/// The process's own argument strings, which `ps` and `/proc/PID/cmdline` show.
package enum ProcessArguments {
    /// Overwrites, in place, the password of every `scheme://user:password@…` argument with `*`, so
    /// the process list no longer shows it (it is visible only between the start and this call).
    package static func hidePasswords() {
        for i in 0..<Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[i] else { continue }
            let bytes = Array(String(cString: argument).utf8)
            guard let range = passwordRange(bytes) else { continue }
            for offset in range { argument[offset] = CChar(bitPattern: UInt8(ascii: "*")) }
        }
    }

    /// Byte offsets of the password in `scheme://user:password@host…`, if there is one.
    static func passwordRange(_ bytes: [UInt8]) -> Range<Int>? {
        let marker: [UInt8] = Array("://".utf8)
        guard let start = (0...max(0, bytes.count - marker.count)).first(where: { Array(bytes[$0..<min(bytes.count, $0 + 3)]) == marker })
        else { return nil }
        let userStart = start + marker.count
        guard let at = bytes[userStart...].lastIndex(of: UInt8(ascii: "@")),
              let colon = bytes[userStart..<at].firstIndex(of: UInt8(ascii: ":")), colon + 1 < at else { return nil }
        return (colon + 1)..<at
    }
}
