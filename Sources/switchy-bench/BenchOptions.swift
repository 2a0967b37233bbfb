/// What `switchy-bench` was asked to do, and how long each benchmark runs.
struct BenchOptions: Sendable {
    var quick = false
    var json = false

    static let usage = """
        USAGE: swift run -c release switchy-bench [--quick] [--json]

        Measures the generator's hot paths and prints min / median / max of each figure
        (see BENCHMARKS.md). Release builds only: a debug build's figures mean nothing.

        OPTIONS:
          --quick    Fewer repetitions and shorter runs (under 2 minutes).
          --json     Print only one JSON object with the median of each figure.
          -h, --help Show this help.
        """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        for argument in arguments {
            switch argument {
            case "--quick": options.quick = true
            case "--json": options.json = true
            default: throw UsageError(description: "unknown option '\(argument)'")
            }
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
    var endToEndRates: [Double] { [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000] }
    var endToEndSeconds: Double { quick ? 3 : 5 }
    var endToEndRepetitions: Int { quick ? 1 : 3 }
    /// Calls held for the memory figure, the rate they are offered at, and repetitions.
    var memoryCalls: Int { 50_000 }
    var memoryRate: Double { 2_500 }
    var memoryRepetitions: Int { quick ? 1 : 3 }
}
