public import Foundation

/// Runs the built `switchy` executable, as a user would, and captures what it prints.
public enum CLIRunner {
    /// What one run produced.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The folder holding the built products (`.build/debug` or `.build/release`).
    public static var productsDirectory: URL {
        Bundle.main.bundleURL
    }

    /// Runs `switchy arguments…` with `environment` added to this process's own, and
    /// waits for it to exit.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try start(arguments, environment: environment).wait()
    }
}

extension CLIRunner {
    /// A `switchy` process still running, for tests that signal it mid-run.
    public final class Running: @unchecked Sendable {
        // @unchecked: Process and FileHandle are used from the test's task only.
        let process: Process
        let stderr: FileHandle
        let stdout: Pipe
        private var errorText = Data()
        private var outputText = Data()

        init(process: Process, stderr: FileHandle, stdout: Pipe) {
            self.process = process
            self.stderr = stderr
            self.stdout = stdout
        }

        /// Reads stderr until a line containing `text` has arrived (or EOF).
        /// - Returns: false at EOF without it.
        public func waitForError(containing text: String) -> Bool {
            while !String(decoding: errorText, as: UTF8.self).contains(text) {
                let chunk = stderr.availableData
                if chunk.isEmpty { return false }
                errorText.append(chunk)
            }
            return true
        }

        /// Reads stdout until `text` has arrived (or EOF), and returns what was read.
        /// - Returns: nil at EOF without it.
        public func waitForOutput(containing text: String) -> String? {
            while !String(decoding: outputText, as: UTF8.self).contains(text) {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                outputText.append(chunk)
            }
            return String(decoding: outputText, as: UTF8.self)
        }

        /// Sends a signal (SIGINT by default).
        public func signal(_ number: Int32 = SIGINT) {
            kill(process.processIdentifier, number)
        }

        /// Waits for the exit and returns everything printed.
        public func wait() -> Result {
            let out = outputText + stdout.fileHandleForReading.readDataToEndOfFile()
            errorText.append(stderr.readDataToEndOfFile())
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                stderr: String(decoding: errorText, as: UTF8.self))
        }
    }

    /// Starts `switchy arguments…` without waiting for it.
    public static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("switchy")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, stderr: err.fileHandleForReading, stdout: out)
    }
}
