import Foundation
import LoadTest

/// `switchy report DIR [DIR…] [--out DIR]`: re-renders a run's reports from its files,
/// or merges the runs of several generator hosts into one report.
enum ReportCommand {
    static let usage = """
        USAGE: switchy report RUN_FOLDER [RUN_FOLDER...] [--out DIR] [--align MODE]

        Reads each run folder's summary.json, calls.csv and timeline.csv (as
        `switchy run` wrote them) and writes summary.json, timeline.csv, calls.csv and
        report.html again. With several folders (runs of several generator hosts, each
        driving its own slaves) the runs are merged into one: latency histograms merge
        exactly, timelines align on wall-clock seconds (each run's started_at), totals
        add up, calls.csv is the concatenation, and the merged run is judged again by
        every rule its runs had. The same run given twice is refused; runs that do
        not overlap in time get a warning. Segments (switchy run --segment I/N) must
        be one run group, complete (1/N … N/N) and each once; the message names the
        segments missing, given twice or from another group.

        OPTIONS:
          --out DIR            Where to write (default: a new folder
                               results/<UTC time>-merged).
          --align MODE         wall-clock (default): runs that ran together add up
                               second by second; start: each run from its own
                               start, laid over the others (runs made apart).
          -h, --help           Show this help.

        EXIT CODES:
          0 written; 2 bad usage, or a folder or file is missing or malformed (one line
          on stderr naming it), or the output cannot be written.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        var folders: [String] = []
        var out: String?
        var align = RunFiles.Alignment.wallClock
        var scanner = ArgumentScanner(arguments, options: ["--out", "--align"])
        do throws(ArgumentScanner.UsageError) {
            while let item = try scanner.next() {
                switch item {
                case .help:
                    Output.print(usage)
                    return .success
                case .positional(let folder): folders.append(folder)
                case .option("--align"):
                    let value = try scanner.value()
                    guard let mode = RunFiles.Alignment(rawValue: value) else {
                        return usageError("--align expects wall-clock or start, got '\(value)'")
                    }
                    align = mode
                case .option:
                    let value = try scanner.value()
                    guard !value.isEmpty else { return usageError("--out needs a folder") }
                    out = value
                }
            }
        } catch {
            return usageError(error.description)
        }
        guard !folders.isEmpty else { return usageError("no run folder given") }
        do {
            let runs = try folders.map { (folder: String) throws(ReportError) in
                try RunFiles.read(URL(fileURLWithPath: folder))
            }
            if let problem = RunFiles.mergeProblem(runs) { throw problem }
            if align == .wallClock, let warning = RunFiles.overlapWarning(runs) {
                Output.error("switchy report: warning: \(warning)")
            }
            let merged = RunFiles.merge(runs, align: align)
            let destination = out.map { URL(fileURLWithPath: $0) } ?? RunFiles.newFolder(base: "results", date: Date())
            try merged.write(to: destination)
            let summary = merged.summary
            let asr = summary.asr.map { String(format: "%.2f%%", $0 * 100) } ?? "–"
            let segments = runs.count > 1 ? runs.compactMap(\.summary.segment).first : nil
            let what = segments.map { "\($0.count) segments of run group \(summary.runGroup ?? "(none)")" } ?? "\(runs.count) run(s)"
            Output.error(
                "switchy report: \(what), \(summary.offered) calls offered, "
                    + "\(summary.answered + summary.dropped) answered (ASR \(asr)), \(summary.dropped) of them dropped")
            Output.print(destination.appendingPathComponent("report.html").path)
            return .success
        } catch {
            Output.error("switchy report: \(error)")
            return .usage
        }
    }

    private static func usageError(_ message: String) -> ExitCode {
        Output.error("switchy report: \(message) (see switchy report --help)")
        return .usage
    }
}
