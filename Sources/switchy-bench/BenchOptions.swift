/// What `switchy-bench` was asked to do, and how long each benchmark runs.
struct BenchOptions: Sendable {
    var quick = false
    var json = false
    /// Run only these benchmarks (all when empty): a development aid for profiling.
    var only: Set<Benchmark> = []

    enum Benchmark: String, CaseIterable, Sendable {
        case decode, socket, scheduler, e2e, memory, hold, health, sendpath
    }

    func runs(_ benchmark: Benchmark) -> Bool { only.isEmpty || only.contains(benchmark) }

    static let usage = """
        USAGE: swift run -c release switchy-bench [--quick] [--json]

        Measures the generator's hot paths and prints min / median / max of each figure
        (see BENCHMARKS.md). Release builds only: a debug build's figures mean nothing.

        OPTIONS:
          --quick    Fewer repetitions and shorter runs (under 2 minutes).
          --json     Print only one JSON object with the median of each figure.
          --only NAME
                     Run one benchmark: decode (with scan), socket, scheduler, e2e,
                     memory, hold, health or sendpath (repeatable; for profiling; the JSON then
                     has only its keys).
          -h, --help Show this help.
        """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--quick": options.quick = true
            case "--json": options.json = true
            case "--only":
                index += 1
                guard index < arguments.count, let benchmark = Benchmark(rawValue: arguments[index]) else {
                    let names = Benchmark.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError(description: "--only needs one of \(names)")
                }
                options.only.insert(benchmark)
            default: throw UsageError(description: "unknown option '\(arguments[index])'")
            }
            index += 1
        }
        return options
    }

    /// Repetitions of the in-memory and socket figures.
    var streamRepetitions: Int { quick ? 3 : 7 }
    /// Bytes the capture is repeated to.
    var streamBytes: Int { 100_000_000 }
    /// Repetitions and length of the scheduler run.
    var schedulerRepetitions: Int { quick ? 3 : 5 }
    var schedulerSeconds: Double { quick ? 5 : 10 }
    /// The rates the end-to-end search steps through, and the seconds each is offered.
    var endToEndRates: [Double] { [1000, 2000, 3000, 4000, 5000, 6000, 8000, 10_000, 12_000, 15_000, 20_000] }
    var endToEndSeconds: Double { quick ? 2 : 5 }
    var endToEndRepetitions: Int { quick ? 1 : 3 }
    /// Calls held for the memory figure, the rate they are offered at, and repetitions.
    var memoryCalls: Int { 50_000 }
    var memoryRate: Double { 5_000 }
    var memoryRepetitions: Int { quick ? 1 : 3 }
    /// The hold-precision runs: the rate of the figures, the rates logged beside it (a
    /// baseline, and one past the e2e knee), the seconds each is offered, the hold,
    /// and repetitions.
    var holdRate: Double { 1000 }
    var holdLoggedRates: [Double] { [50, 3000] }
    var holdSeconds: Double { quick ? 3 : 10 }
    var holdDuration: Int { 2 }
    var holdRepetitions: Int { quick ? 1 : 3 }
    /// The health-sampling cost: the rate, the seconds of each run, and the pairs of
    /// runs (with and without sampling).
    var healthRate: Double { 1000 }
    var healthSeconds: Double { quick ? 3 : 10 }
    var healthRepetitions: Int { quick ? 1 : 3 }
    /// `api status` reads one after another for the cost of one.
    var healthReads: Int { quick ? 2_000 : 10_000 }
    /// The send path against slow slaves: the rate, the seconds offered, each slave's
    /// `slow_commands` (ms; 5 ms on each of two control connections serves 400 calls/s
    /// a slave, under the 500/s it is offered), and repetitions (each a baseline run
    /// without the fault, then one with it).
    var sendPathRate: Double { 1000 }
    var sendPathSeconds: Double { quick ? 5 : 10 }
    var sendPathSlowCommandMilliseconds: Double { 5 }
    var sendPathRepetitions: Int { quick ? 1 : 3 }
}
