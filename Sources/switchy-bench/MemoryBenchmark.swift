import Foundation
import LoadTest
import Synchronization

/// `bytes_per_active_call`: resident memory growth of the generator per call held.
///
/// Each measurement runs in a fresh child process (`--memory-probe`), so memory freed
/// by the other benchmarks cannot be reused unseen, and the two simulated slaves run
/// in a grandchild (`--serve-sims`), so their memory is measured apart. The probe
/// reads `VmRSS` before the run, offers `calls` calls with a hold time far longer than
/// the run, waits until all are offered and the generator's memory has stopped growing
/// (the answers, late when the simulators fall behind, are in), reads `VmRSS` of both
/// processes again, then hangs up.
enum MemoryBenchmark {
    struct Result: Sendable {
        /// Generator growth / calls.
        var generatorBytesPerCall: Double
        /// Simulator growth / calls (both slaves).
        var simulatorBytesPerCall: Double
        var held: Int
    }

    /// Runs one measurement in a child process.
    static func measureInChild(calls: Int, rate: Double) throws -> Result {
        let child = try Subprocess(arguments: ["--memory-probe", String(calls), String(rate)])
        let line = try child.readLine()
        child.closeInput()
        child.wait()
        let fields = line.split(separator: " ")
        guard fields.count == 4, fields[0] == "memory", let generator = Double(fields[1]),
            let simulator = Double(fields[2]), let held = Int(fields[3])
        else { throw BenchError("memory probe said: \(line)") }
        return Result(generatorBytesPerCall: generator, simulatorBytesPerCall: simulator, held: held)
    }

    /// The child's side (`--memory-probe CALLS RATE`): prints
    /// `memory <generator B/call> <simulator B/call> <held>`.
    static func probe(calls: Int, rate: Double) async throws {
        let sims = try Subprocess(arguments: ["--serve-sims"])
        defer {
            sims.closeInput()
            sims.wait()
        }
        let ports = try sims.readLine().split(separator: " ").dropFirst().compactMap { Int($0) }
        guard ports.count == 2 else { throw BenchError("the simulators did not start") }
        guard let generatorBefore = ResidentMemory.current(), let simulatorBefore = ResidentMemory.of(pid: sims.pid)
        else { throw BenchError("cannot read VmRSS from /proc") }
        let plan = EndToEndBenchmark.plan(
            rate: rate, seconds: nil, maxCalls: calls, holdSeconds: 3600, limit: calls + 1000, grace: 3600,
            slaves: ports.map { ("127.0.0.1", $0) }, password: "bench")
        // Sampled once the calls are all up and answered: after the last offer, the
        // generator's memory still grows while the answers come in; the sample is taken
        // at the first progress tick (one a second) where it grew by less than 1 % of
        // the growth so far, or after 60 ticks.
        struct Sampling {
            var ticks = 0
            var previous: Int?
            var taken: (generator: Int, simulator: Int, held: Int)?
        }
        let sampling = Mutex(Sampling())
        let loadBox = Mutex<LoadRun?>(nil)
        let load = LoadRun(
            plan: plan,
            sinks: [ClosureSink(progress: { progress in
                guard !progress.offering else { return }
                let generator = ResidentMemory.current() ?? 0
                let take = sampling.withLock { state -> Bool in
                    guard state.taken == nil else { return false }
                    state.ticks += 1
                    defer { state.previous = generator }
                    guard let previous = state.previous else { return false }
                    let settled = Double(generator - previous) < 0.01 * Double(max(1, generator - generatorBefore))
                    return settled || state.ticks >= 60
                }
                guard take else { return }
                let simulator = ResidentMemory.of(pid: sims.pid) ?? 0
                sampling.withLock { $0.taken = (generator, simulator, progress.inFlight) }
                let load = loadBox.withLock { $0 }
                load?.interrupt()
                load?.interrupt()
            })])
        loadBox.withLock { $0 = load }
        _ = try await load.run()
        guard let taken = sampling.withLock({ $0.taken }), taken.held > 0 else {
            throw BenchError("the calls were never all up")
        }
        let generator = Double(taken.generator - generatorBefore) / Double(taken.held)
        let simulator = Double(taken.simulator - simulatorBefore) / Double(taken.held)
        Output.line("memory \(Format.json(generator)) \(Format.json(simulator)) \(taken.held)")
    }

    /// The grandchild's side (`--serve-sims`): two simulated slaves until stdin closes.
    static func serveSims() throws {
        let sims = try EndToEndBenchmark.startSlaves(password: "bench")
        Output.line("ports " + sims.map { String($0.port) }.joined(separator: " "))
        while readLine() != nil {}
        for sim in sims { sim.stop() }
    }
}

/// This executable run again as a child, with pipes for its stdin and stdout.
/// `@unchecked`: `Process` and `FileHandle` are not annotated `Sendable`; the pipes are
/// used from one thread at a time and the buffer is behind a lock.
final class Subprocess: @unchecked Sendable {
    private let process: Process
    private let input: Pipe
    private let output: FileHandle
    private let buffer = Mutex<[UInt8]>([])

    init(arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        self.process = process
        self.input = input
        self.output = output.fileHandleForReading
    }

    var pid: Int32 { process.processIdentifier }

    /// The next line the child prints (blocking).
    func readLine() throws -> String {
        while true {
            let line: String? = buffer.withLock { bytes in
                guard let end = bytes.firstIndex(of: 0x0A) else { return nil }
                defer { bytes.removeFirst(end + 1) }
                return String(decoding: bytes[..<end], as: UTF8.self)
            }
            if let line { return line }
            let data = output.availableData
            if data.isEmpty { throw BenchError("child \(process.arguments ?? []) ended without output") }
            buffer.withLock { $0.append(contentsOf: data) }
        }
    }

    func closeInput() { try? input.fileHandleForWriting.close() }

    func wait() { process.waitUntilExit() }
}
