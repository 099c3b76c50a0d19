import ArgumentParser
import Foundation
import RedNASCore
import Training

/// Checks of paths given on the command line or in a config, made before any work so that each
/// problem is named in words (not as a Foundation error code) and nothing is left behind.
enum InputChecks {
    /// `path` must be a readable regular file (weights are read at offsets, not as a stream): not
    /// missing, not a folder, not a FIFO or device; "permission denied" only when the system says so.
    static func requireFile(_ path: String, option: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ValidationError("\(option) \(path): no such file")
        }
        if isFolder.boolValue { throw ValidationError("\(option) \(path): is a folder, not a file") }
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw ValidationError("\(option) \(path): is a FIFO, socket or device, not a regular file")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            let reason = code == EACCES || code == EPERM ? "permission denied" : String(cString: strerror(code)).lowercased()
            throw ValidationError("\(option) \(path): cannot be read: \(reason)")
        }
        close(descriptor)
    }

    /// `path` is where a folder will be created (`withIntermediateDirectories`): every part of it
    /// that already exists must be a folder. `name` says where the path came from
    /// (`output.runs_dir` of a config, `--run-dir`).
    static func requireFolderLocation(_ path: String, name: String) throws {
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: current.path, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    let which = current.path == URL(fileURLWithPath: path).standardizedFileURL.path ? path : "\(current.path) (in \(path))"
                    throw ValidationError("\(name): \(which) is a file, not a folder")
                }
                return
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return }
            current = parent
        }
    }

    /// Runs `body`, naming `configPath` in a ``ConfigCheckError`` it throws.
    static func namingConfig<T>(_ configPath: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as ConfigCheckError {
            error.file = error.file ?? configPath
            throw error
        }
    }
}
