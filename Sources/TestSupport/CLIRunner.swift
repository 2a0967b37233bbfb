public import Foundation
import Synchronization

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
    /// waits for it to exit (on a thread of its own: see ``offThePool(_:)``).
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        await slots.acquire()
        defer { slots.release() }
        let running = try start(arguments, environment: environment)
        return await running.finished()
    }

    /// At most three `switchy` processes of ``run(_:environment:)`` at once: the tests
    /// that run the CLI measure nothing, but some rely on a run keeping to its schedule
    /// within a second, which dozens of runs at once on two cores would not.
    static let slots = AsyncSlots(3)

    /// Runs the blocking `body` (reading a pipe, waiting for a process) on a thread of
    /// its own and returns its result. Blocking a thread of Swift's cooperative pool
    /// instead (two threads on a 2-core machine) would stall every other test of the
    /// process for as long as a `switchy run` lasts, and trip their time limits.
    public static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
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

        /// Reads stderr until a line containing `text` has arrived (or EOF), off the
        /// cooperative pool.
        /// - Returns: false at EOF without it.
        public func waitForError(containing text: String) async -> Bool {
            await CLIRunner.offThePool { self.readError(until: text) }
        }

        /// Reads stderr until a line containing `text` has arrived (or EOF), off the
        /// cooperative pool, and returns that line.
        /// - Returns: nil at EOF without it.
        public func errorLine(containing text: String) async -> String? {
            guard await waitForError(containing: text) else { return nil }
            let lines = String(decoding: errorText, as: UTF8.self).split(separator: "\n")
            return lines.first { $0.contains(text) }.map(String.init)
        }

        /// Reads stdout until `text` has arrived (or EOF), off the cooperative pool, and
        /// returns what was read.
        /// - Returns: nil at EOF without it.
        public func waitForOutput(containing text: String) async -> String? {
            await CLIRunner.offThePool { self.readOutput(until: text) }
        }

        /// Waits for the exit, off the cooperative pool, and returns everything printed.
        public func finished() async -> Result {
            await CLIRunner.offThePool { self.wait() }
        }

        private func readError(until text: String) -> Bool {
            while !String(decoding: errorText, as: UTF8.self).contains(text) {
                let chunk = stderr.availableData
                if chunk.isEmpty { return false }
                errorText.append(chunk)
            }
            return true
        }

        private func readOutput(until text: String) -> String? {
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

        private func wait() -> Result {
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

/// A counting semaphore for tasks: ``acquire()`` suspends (never blocks a thread) while
/// every slot is taken.
final class AsyncSlots: Sendable {
    private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(_ count: Int) { state = Mutex((count, [])) }

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                guard state.free == 0 else {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
