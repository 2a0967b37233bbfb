import Foundation

// switchy-bench: the generator's benchmarks (issue 7, BENCHMARKS.md). The hidden
// `--memory-probe` and `--serve-sims` modes are the memory benchmark's child processes.

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "--serve-sims":
        try MemoryBenchmark.serveSims()
    case "--memory-probe":
        guard (3...4).contains(arguments.count), let calls = Int(arguments[1]), let rate = Double(arguments[2]),
            arguments.count == 3 || arguments[3] == "unreserved"
        else { throw BenchOptions.UsageError(description: "--memory-probe CALLS RATE [unreserved]") }
        try await MemoryBenchmark.probe(calls: calls, rate: rate, reserved: arguments.count == 3)
    case "-h", "--help":
        Output.line(BenchOptions.usage)
    default:
        let options = try BenchOptions.parse(arguments)
        let figures = try await BenchRunner(options: options).run()
        Output.line(options.json ? Report.json(figures) : Report.table(figures))
    }
} catch {
    Output.error("switchy-bench: \(error)")
    exit(1)
}
