import Foundation

/// A program of the machine's own (Debian's chromium and promtool, PyPI's
/// kubernetes-validate) that some tests use where it is installed and skip, saying so,
/// where it is not.
public enum SystemTool {
    /// The first of `names` found on the PATH.
    public static func path(_ names: String...) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in names {
            for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    public struct Result: Sendable {
        /// The exit status; -1 when it could not start or was killed for taking too long.
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// It was still running after the time allowed, and was killed.
        public var timedOut: Bool
        /// Both outputs, for a failure's message.
        public var output: String { stdout + stderr }
    }

    /// Runs `path arguments…` and waits for it, off Swift's cooperative pool (a blocked
    /// pool thread stalls every other test). Its outputs go through files, not pipes: a
    /// program whose helpers outlive it (Chromium's) cannot keep the test waiting for an
    /// end of file. A program still running after `timeout` seconds is killed.
    /// `environment` replaces this process's own when given; `input` is its standard
    /// input (none: an empty one).
    public static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, input: String = "",
        timeout: Double = 120
    ) async -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-tool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("stdout")
        let err = folder.appendingPathComponent("stderr")
        let inputFile = folder.appendingPathComponent("stdin")
        let process = Process()
        let exited = DispatchSemaphore(value: 0)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: out.path, contents: nil),
                FileManager.default.createFile(atPath: err.path, contents: nil),
                FileManager.default.createFile(atPath: inputFile.path, contents: Data(input.utf8))
            else { return Result(status: -1, stdout: "", stderr: "cannot create files in \(folder.path)", timedOut: false) }
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            if let environment { process.environment = environment }
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
        } catch {
            return Result(status: -1, stdout: "", stderr: "cannot start \(path): \(error)", timedOut: false)
        }
        let inTime = await CLIRunner.offThePool { exited.wait(timeout: .now() + timeout) == .success }
        if !inTime {
            // SIGKILL, not terminate(): a child started from a thread that blocks SIGTERM
            // inherits the blocked signal and would never end.
            kill(process.processIdentifier, SIGKILL)
            await CLIRunner.offThePool { exited.wait() }
        }
        return Result(
            status: inTime ? process.terminationStatus : -1,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "", timedOut: !inTime)
    }
}
