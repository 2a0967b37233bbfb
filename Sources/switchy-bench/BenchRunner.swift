import Foundation

/// Runs every benchmark in turn and collects the figures; progress goes to stderr so
/// that stdout holds only the result.
struct BenchRunner {
    let options: BenchOptions

    func run() async throws -> [Figure] {
        var figures: [Figure] = []
        log("machine: \(Machine.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) CPUs; load average \(Machine.loadAverage)")
        defer { log("load average at the end: \(Machine.loadAverage)") }
        if options.runs(.decode) || options.runs(.socket) { try await streamFigures(into: &figures) }
        if options.runs(.scheduler) { try await schedulerFigures(into: &figures) }
        if options.runs(.e2e) { try await endToEndFigure(into: &figures) }
        if options.runs(.memory) { try memoryFigure(into: &figures) }
        if options.runs(.hold) { try await holdFigures(into: &figures) }
        if options.runs(.health) { try await healthFigures(into: &figures) }
        if options.runs(.sendpath) { try await sendPathFigures(into: &figures) }
        return figures
    }

    private func streamFigures(into figures: inout [Figure]) async throws {
        let reps = options.streamRepetitions
        log("building the stream: capture \(CaptureStream.captureName), repeated to ≥ \(options.streamBytes / 1_000_000) MB")
        let stream = try CaptureStream(minimumBytes: options.streamBytes)
        let bytes = stream.bytes.count
        log("  \(stream.copies) copies, \(stream.eventCount) events, \(bytes / 1_000_000) MB")

        // Decode and scan alternate, so background load hits both alike.
        var decode: [Double] = []
        var scan: [Double] = []
        var ratio: [Double] = []
        for rep in 1...reps where options.runs(.decode) {
            let scanned = try DecodeBenchmark.scan(stream)
            let decoded = try DecodeBenchmark.decode(stream)
            scan.append(scanned)
            decode.append(decoded)
            ratio.append(decoded / scanned)
            log("  rep \(rep): decode \(Format.number(decoded)) events/s, scan \(Format.number(scanned)) events/s")
        }
        if options.runs(.decode) {
            figures.append(Figure(key: "decode_events_per_s", unit: "events/s", stats: Stats(decode), goal: nil))
            figures.append(Figure(key: "scan_events_per_s", unit: "events/s", stats: Stats(scan), goal: nil))
            figures.append(
                Figure(key: "decode_vs_scan", unit: "", stats: Stats(ratio), goal: .init(direction: .atLeast, value: 0.5)))
        }
        guard options.runs(.socket) else { return }

        log("socket: loopback peer → Connection → EventListener, against a read()+memchr client")
        var socket: [Double] = []
        var versusRaw: [Double] = []
        // The listener and the raw client alternate, so background load hits both alike.
        var versusConnection: [Double] = []
        for rep in 1...reps {
            let raw = try SocketBenchmark.runRaw(stream)
            let connection = try await SocketBenchmark.runConnectionOnly(stream)
            let rate = try await SocketBenchmark.run(stream)
            socket.append(rate)
            versusRaw.append(rate / raw)
            versusConnection.append(rate / connection)
            log(
                "  rep \(rep): \(Format.number(rate)) events/s (\(Format.number(rate * Double(bytes) / Double(stream.eventCount) / 1e6)) MB/s), "
                    + "raw client \(Format.number(raw)), Connection only (switchy events --stats) \(Format.number(connection)) events/s")
        }
        log("  listener / Connection only: median \(Format.number(Stats(versusConnection).median))")
        figures.append(
            Figure(
                key: "socket_events_per_s", unit: "events/s", stats: Stats(socket),
                goal: .init(direction: .atLeast, value: 350_000)))
        figures.append(
            Figure(key: "socket_vs_raw", unit: "", stats: Stats(versusRaw), goal: .init(direction: .atLeast, value: 0.6)))
    }

    /// The scheduler alone, quiet and beside a ``CPUHog``, each as the generator runs it
    /// (`SCHED_FIFO` where allowed) and with nice −10 only; the four alternate within
    /// each repetition. The goals hold for the real-time runs, quiet and with the hog.
    private func schedulerFigures(into figures: inout [Figure]) async throws {
        log(
            "scheduler: 1,000 calls/s for \(Format.number(options.schedulerSeconds)) s, sink does nothing; "
                + "quiet and beside a CPU hog (yes > /dev/null), SCHED_FIFO and nice −10 only")
        struct Variant {
            let name: String
            let hog: Bool
            let realTime: Bool
            var lag: [Double] = []
            var error: [Double] = []
        }
        var variants = [
            Variant(name: "quiet, SCHED_FIFO", hog: false, realTime: true),
            Variant(name: "hog, SCHED_FIFO", hog: true, realTime: true),
            Variant(name: "quiet, nice only", hog: false, realTime: false),
            Variant(name: "hog, nice only", hog: true, realTime: false),
        ]
        for rep in 1...options.schedulerRepetitions {
            for index in variants.indices {
                let hog = variants[index].hog ? try CPUHog() : nil
                let result = await SchedulerBenchmark.run(
                    rate: 1000, seconds: options.schedulerSeconds, realTime: variants[index].realTime)
                hog?.stop()
                variants[index].lag.append(result.lagP99)
                variants[index].error.append(result.rateErrorPercent)
                log(
                    "  rep \(rep), \(variants[index].name): \(result.launched) launched, lag p99 "
                        + "\(Format.number(result.lagP99)) ms, rate error \(Format.number(result.rateErrorPercent)) %")
            }
        }
        let lagGoal = Figure.Goal(direction: .atMost, value: 2)
        let errorGoal = Figure.Goal(direction: .atMost, value: 0.5)
        figures.append(Figure(key: "scheduler_lag_p99_ms", unit: "ms", stats: Stats(variants[0].lag), goal: lagGoal))
        figures.append(Figure(key: "rate_error_pct", unit: "%", stats: Stats(variants[0].error), goal: errorGoal))
        figures.append(Figure(key: "scheduler_lag_p99_hog_ms", unit: "ms", stats: Stats(variants[1].lag), goal: lagGoal))
        figures.append(Figure(key: "rate_error_hog_pct", unit: "%", stats: Stats(variants[1].error), goal: errorGoal))
        figures.append(Figure(key: "scheduler_lag_p99_nice_ms", unit: "ms", stats: Stats(variants[2].lag), goal: nil))
        figures.append(Figure(key: "scheduler_lag_p99_hog_nice_ms", unit: "ms", stats: Stats(variants[3].lag), goal: nil))
    }

    private func endToEndFigure(into figures: inout [Figure]) async throws {
        log(
            "end to end: two simulated slaves in a child process, \(Format.number(options.endToEndSeconds)) s per step; "
                + "CPU = this process's (the generator's) user + system time over the step, per call sent")
        var maxRates: [Double] = []
        var cpuPerCall: [Double] = []
        for rep in 1...options.endToEndRepetitions {
            log("  search \(rep):")
            let (best, steps) = try await EndToEndBenchmark.search(
                rates: options.endToEndRates, seconds: options.endToEndSeconds, log: log)
            maxRates.append(best)
            // The CPU per call at the highest step that passed (the first step's if none).
            if let step = steps.last(where: \.passed) ?? steps.first { cpuPerCall.append(step.cpuMicrosPerCall) }
        }
        figures.append(
            Figure(
                key: "e2e_max_cps", unit: "calls/s", stats: Stats(maxRates),
                goal: .init(direction: .atLeast, value: 5000)))
        if !cpuPerCall.isEmpty {
            figures.append(
                Figure(
                    key: "e2e_cpu_us_per_call", unit: "µs", stats: Stats(cpuPerCall),
                    goal: .init(direction: .atMost, value: 60)))
        }
    }

    /// `bytes_per_active_call` with the ledger's tables sized from the plan (the figure),
    /// and without (`bytes_per_active_call_unreserved`); the two alternate.
    private func memoryFigure(into figures: inout [Figure]) throws {
        log(
            "memory: \(options.memoryCalls) calls held (generator and simulators in separate processes), "
                + "tables sized from the plan and not")
        var perCall: [Bool: [Double]] = [:]
        for rep in 1...options.memoryRepetitions {
            for reserved in rep % 2 == 1 ? [true, false] : [false, true] {
                let result = try MemoryBenchmark.measureInChild(
                    calls: options.memoryCalls, rate: options.memoryRate, reserved: reserved)
                perCall[reserved, default: []].append(result.generatorBytesPerCall)
                log(
                    "  rep \(rep), \(reserved ? "sized" : "unsized"): \(result.held) calls up; generator "
                        + "\(Format.number(result.generatorBytesPerCall)) B/call "
                        + "(\(Format.number(result.trimmedBytesPerCall)) after malloc_trim), simulators "
                        + "\(Format.number(result.simulatorBytesPerCall)) B/call")
            }
        }
        figures.append(
            Figure(
                key: "bytes_per_active_call", unit: "B", stats: Stats(perCall[true] ?? []),
                goal: .init(direction: .atMost, value: 1500)))
        figures.append(
            Figure(key: "bytes_per_active_call_unreserved", unit: "B", stats: Stats(perCall[false] ?? []), goal: nil))
    }

    /// Hold precision at 1,000 calls/s, with a low rate (the baseline) and one past the
    /// e2e knee run beside each repetition (logged). The figures are |median| and p99
    /// of |hold − duration|.
    private func holdFigures(into figures: inout [Figure]) async throws {
        let hold = options.holdDuration
        log(
            "hold: two in-process simulated slaves, hold \(hold) s, \(Format.number(options.holdSeconds)) s per run, "
                + "deviation from the hold in ms (median signed / p99 absolute)")
        var local: (median: [Double], p99: [Double]) = ([], [])
        var server: (median: [Double], p99: [Double]) = ([], [])
        for rep in 1...options.holdRepetitions {
            for rate in [options.holdLoggedRates[0], options.holdRate] + options.holdLoggedRates.dropFirst() {
                let result = try await HoldBenchmark.run(rate: rate, seconds: options.holdSeconds, holdSeconds: hold)
                log(
                    "  rep \(rep), \(Format.number(rate)) calls/s: \(result.answered) answered "
                        + "(\(result.notEndedByRun) not ended by the run); hold_ms \(Format.number(result.holdMedian)) / "
                        + "\(Format.number(result.holdP99)), server_hold_ms \(Format.number(result.serverHoldMedian)) / "
                        + "\(Format.number(result.serverHoldP99)); kill requested \(Format.number(result.requestedMedian)) ms "
                        + "from the answer seen + hold")
                guard rate == options.holdRate else { continue }
                local.median.append(abs(result.holdMedian))
                local.p99.append(result.holdP99)
                server.median.append(abs(result.serverHoldMedian))
                server.p99.append(result.serverHoldP99)
            }
        }
        figures.append(
            Figure(key: "hold_median_dev_ms", unit: "ms", stats: Stats(local.median), goal: .init(direction: .atMost, value: 20)))
        figures.append(
            Figure(key: "hold_p99_dev_ms", unit: "ms", stats: Stats(local.p99), goal: .init(direction: .atMost, value: 50)))
        figures.append(
            Figure(
                key: "server_hold_median_dev_ms", unit: "ms", stats: Stats(server.median),
                goal: .init(direction: .atMost, value: 20)))
        figures.append(
            Figure(
                key: "server_hold_p99_dev_ms", unit: "ms", stats: Stats(server.p99), goal: .init(direction: .atMost, value: 50)))
    }

    /// The health sampler's cost at 1,000 calls/s: pairs of runs without and with it
    /// (the order alternating), its extra CPU time in % of the run without, and how
    /// much it moved the schedule lag p99.
    private func healthFigures(into figures: inout [Figure]) async throws {
        let rate = options.healthRate
        log(
            "health: two in-process simulated slaves, \(Format.number(rate)) calls/s for \(Format.number(options.healthSeconds)) s, "
                + "without and with api status once a second per slave")
        var overhead: [Double] = []
        var lagDelta: [Double] = []
        for rep in 1...options.healthRepetitions {
            var pair: [Bool: HealthBenchmark.Result] = [:]
            for sampled in rep % 2 == 1 ? [false, true] : [true, false] {
                let result = try await HealthBenchmark.run(rate: rate, seconds: options.healthSeconds, sampled: sampled)
                pair[sampled] = result
                log(
                    "  rep \(rep), \(sampled ? "sampled" : "not sampled"): \(result.sent) sent, CPU \(Format.number(result.cpuSeconds)) s, "
                        + "schedule lag p99 \(Format.number(result.lagP99)) ms, setup p99 \(Format.number(result.setupP99)) ms, "
                        + "readings \(result.samples) (\(result.missed) seconds without)")
            }
            guard let with = pair[true], let without = pair[false] else { continue }
            overhead.append((with.cpuSeconds - without.cpuSeconds) / max(without.cpuSeconds, 1e-9) * 100)
            lagDelta.append(with.lagP99 - without.lagP99)
        }
        var readCost: [Double] = []
        for rep in 1...options.healthRepetitions {
            let (cpu, rate) = try await HealthBenchmark.readCost(reads: options.healthReads)
            readCost.append(cpu)
            log("  rep \(rep): \(options.healthReads) reads, \(Format.number(cpu)) µs CPU each (\(Format.number(rate)) reads/s)")
        }
        figures.append(Figure(key: "health_read_cpu_us", unit: "µs", stats: Stats(readCost), goal: nil))
        figures.append(Figure(key: "health_cpu_overhead_pct", unit: "%", stats: Stats(overhead), goal: nil))
        figures.append(Figure(key: "health_lag_p99_delta_ms", unit: "ms", stats: Stats(lagDelta), goal: nil))
    }

    /// The send path against slaves that read their commands slowly (issue 15 §1b):
    /// the figures are those of the slow runs; each repetition's baseline (the same
    /// run without the fault) is logged beside it.
    private func sendPathFigures(into figures: inout [Figure]) async throws {
        let rate = options.sendPathRate
        let slow = options.sendPathSlowCommandMilliseconds
        log(
            "sendpath: two in-process simulated slaves, \(Format.number(rate)) calls/s for "
                + "\(Format.number(options.sendPathSeconds)) s, without and with slow_commands \(Format.number(slow)) ms; "
                + "latencies p50 / p99 / max in ms")
        var lag: [Double] = []
        var achieved: [Double] = []
        var queued: [Double] = []
        for rep in 1...options.sendPathRepetitions {
            for fault in [0, slow] {
                let result = try await SendPathBenchmark.run(
                    rate: rate, seconds: options.sendPathSeconds, slowCommandMilliseconds: fault)
                log("  rep \(rep), " + SendPathBenchmark.describe(result))
                guard fault > 0 else { continue }
                lag.append(result.lag.p99)
                achieved.append(result.achievedPercent)
                queued.append(result.sendQueue.p99)
            }
        }
        figures.append(
            Figure(key: "sendpath_lag_p99_ms", unit: "ms", stats: Stats(lag), goal: .init(direction: .atMost, value: 5)))
        figures.append(
            Figure(
                key: "sendpath_achieved_pct", unit: "%", stats: Stats(achieved),
                goal: .init(direction: .atLeast, value: 99.5)))
        figures.append(Figure(key: "sendpath_send_queue_p99_ms", unit: "ms", stats: Stats(queued), goal: nil))
    }

    func log(_ text: String) {
        Output.error(text)
    }
}

/// What the figures depend on, printed with them.
enum Machine {
    /// `model name` of the first CPU in `/proc/cpuinfo`.
    static var cpuModel: String {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? "unknown CPU"
    }

    /// The 1, 5 and 15 minute load averages from `/proc/loadavg`.
    static var loadAverage: String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
