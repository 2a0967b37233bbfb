import Foundation
import LoadTest
import Synchronization

/// `bytes_per_active_call`: resident memory growth of the generator per call held.
///
/// Each measurement runs in a fresh child process (`--memory-probe`), so memory freed
/// by the other benchmarks cannot be reused unseen, and the two simulated slaves run
/// in a grandchild (`--serve-sims`), so their memory is measured apart. The probe
/// reads `VmRSS` before the run, offers `calls` calls with a hold time far longer than
/// the run, and samples at a fixed state: every call offered and up (answered, not
/// ended) at two progress ticks in a row (one second apart, so the BACKGROUND_JOBs that
/// trail the answers are in too), or after 60 ticks. Then it reads `VmRSS` of both
/// processes again and hangs up. `unreserved` turns off the plan's sizing of the
/// ledger's tables (``RunPlan/reserveInFlight``), to show what it changes.
enum MemoryBenchmark {
    struct Result: Sendable {
        /// Generator growth / calls.
        var generatorBytesPerCall: Double
        /// Simulator growth / calls (both slaves).
        var simulatorBytesPerCall: Double
        /// Generator growth / calls after `malloc_trim(0)` (``ResidentMemory/afterTrim()``).
        var trimmedBytesPerCall: Double
        var held: Int
    }

    /// Runs one measurement in a child process.
    static func measureInChild(calls: Int, rate: Double, reserved: Bool = true) throws -> Result {
        let child = try Subprocess(
            arguments: ["--memory-probe", String(calls), String(rate)] + (reserved ? [] : ["unreserved"]))
        let line = try child.readLine()
        child.closeInput()
        child.wait()
        let fields = line.split(separator: " ")
        guard fields.count == 5, fields[0] == "memory", let generator = Double(fields[1]),
            let simulator = Double(fields[2]), let held = Int(fields[3]), let trimmed = Double(fields[4])
        else { throw BenchError("memory probe said: \(line)") }
        return Result(
            generatorBytesPerCall: generator, simulatorBytesPerCall: simulator, trimmedBytesPerCall: trimmed, held: held)
    }

    /// The child's side (`--memory-probe CALLS RATE [unreserved]`): prints
    /// `memory <generator B/call> <simulator B/call> <held> <generator B/call after malloc_trim>`.
    /// With `SWITCHY_MEMORY_PROBE_EXIT` set it exits at the sample instead (a profiling
    /// aid: under `heaptrack` the allocations "leaked" at exit are those live then).
    static func probe(calls: Int, rate: Double, reserved: Bool) async throws {
        let (sims, ports) = try EndToEndBenchmark.startSimulators()
        defer {
            sims.closeInput()
            sims.wait()
        }
        guard let generatorBefore = ResidentMemory.current(), let simulatorBefore = ResidentMemory.of(pid: sims.pid)
        else { throw BenchError("cannot read VmRSS from /proc") }
        var plan = EndToEndBenchmark.plan(
            rate: rate, seconds: nil, maxCalls: calls, holdSeconds: 3600, limit: calls + 1000, grace: 3600,
            slaves: ports.map { ("127.0.0.1", $0) }, password: "bench")
        plan.reserveInFlight = reserved
        // Sampled at a fixed state (see the type's comment): all `calls` up at two ticks
        // in a row, or after 60 ticks past the last offer.
        struct Sampling {
            var ticks = 0
            var allUpBefore = false
            var taken: (generator: Int, simulator: Int, held: Int, trimmed: Int)?
        }
        let sampling = Mutex(Sampling())
        let loadBox = Mutex<LoadRun?>(nil)
        let load = LoadRun(
            plan: plan,
            sinks: [ClosureSink(progress: { progress in
                guard !progress.offering else { return }
                let take = sampling.withLock { state -> Bool in
                    guard state.taken == nil else { return false }
                    state.ticks += 1
                    let allUp = progress.callsUp == calls && progress.inFlight == calls
                    defer { state.allUpBefore = allUp }
                    return (allUp && state.allUpBefore) || state.ticks >= 60
                }
                guard take else { return }
                let generator = ResidentMemory.current() ?? 0
                let simulator = ResidentMemory.of(pid: sims.pid) ?? 0
                if ProcessInfo.processInfo.environment["SWITCHY_MEMORY_PROBE_EXIT"] != nil { exit(0) }
                let trimmed = ResidentMemory.afterTrim() ?? 0
                sampling.withLock { $0.taken = (generator, simulator, progress.inFlight, trimmed) }
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
        let trimmed = Double(taken.trimmed - generatorBefore) / Double(taken.held)
        Output.line("memory \(Format.json(generator)) \(Format.json(simulator)) \(taken.held) \(Format.json(trimmed))")
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
