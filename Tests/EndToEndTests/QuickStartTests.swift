import Dispatch
import FreeSwitchSim
import Foundation
import Testing

/// Issue 4's acceptance: the QuickStart program, a separate package that uses Switchy
/// as a user's package would (`Examples/QuickStart`), builds and runs to `ok` against a
/// simulated slave.
///
/// It builds the example with `swift run` into the example's own scratch folder
/// (`Examples/QuickStart/.build`): about 25 s the first time on two cores, a second or
/// so after that unless the library changed. `SWITCHY_SKIP_EXAMPLES=1` skips it.
@Suite(.timeLimit(.minutes(10))) struct QuickStartTests {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var skipped: Bool { ProcessInfo.processInfo.environment["SWITCHY_SKIP_EXAMPLES"] == "1" }

    @Test(.disabled(if: skipped, "SWITCHY_SKIP_EXAMPLES=1"))
    func quickStartRunsToOKAgainstASimulatedSlave() async throws {
        let slave = try SimSlave.start(SimConfiguration())
        defer { slave.stop() }
        let example = Self.root.appendingPathComponent("Examples/QuickStart")
        let result = try await Self.run(
            "/usr/bin/env",
            [
                "swift", "run", "--package-path", example.path, "--scratch-path",
                example.appendingPathComponent(".build").path, "QuickStart", String(slave.port),
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["local_ip_v4: 127.0.0.1", "CommandError: -ERR not Command not found!", "ok"])
        // Its call was hung up: nothing is left on the slave.
        #expect(slave.channelCount == 0)
    }

    /// Runs a program to its end off the cooperative pool and returns what it printed
    /// (stderr goes through a file, so neither pipe can fill up and stall it).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let errorFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("quickstart-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let (status, stdout) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let stdout = out.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: stdout, as: UTF8.self)))
            }
        }
        let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return (status, stdout, stderr)
    }
}
