#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import ESL
import Foundation
import FreeSwitchSim
import LoadTest
import Synchronization

/// `switchy run PROFILE [overrides]`: one load run, reports under `results/`.
enum RunCommand {
    static let usage = """
        USAGE: switchy run PROFILE [options]

        Runs the scenario of PROFILE (a JSON5 file, see README "Profiles"): offers calls
        at the profile's rate across its slaves, follows every call, and writes calls.csv,
        timeline.csv, summary.json, junit.xml and report.html under results/<UTC time>-<name>/.

        OPTIONS:
        \(ProfileOptions.help)
          --threshold EXPR       A pass/fail rule, e.g. "answer_ms.p99 < 500" (repeatable; added to
                                 the profile's thresholds). Without any: "failed == 0", "lost == 0".
          --quiet                Print no progress (errors and the final summary only).
          -h, --help             Show this help.

        Ctrl-C (or SIGTERM) stops offering and lets calls end within the grace period;
        a second Ctrl-C hangs them up at once. Reports are written either way. If the
        results folder is removed or cannot be written during the run, the reports go to
        $TMPDIR/switchy-results/<run folder>/ instead, and the path is printed.

        EXIT CODES:
          0 the run completed and every threshold held; 1 a threshold failed; 2 bad usage
          or profile, or the results folder cannot be written; 3 a slave could not be
          connected or authenticated; 4 interrupted; 70 internal error.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        if arguments.contains("-h") || arguments.contains("--help") {
            Output.print(usage)
            return .success
        }
        var arguments = arguments
        var cliThresholds: [String] = []
        while let index = arguments.firstIndex(of: "--threshold") {
            guard index + 1 < arguments.count else {
                Output.error("switchy run: --threshold needs an expression, e.g. --threshold \"asr >= 0.99\"")
                return .usage
            }
            cliThresholds.append(arguments[index + 1])
            arguments.removeSubrange(index...(index + 1))
        }
        let quiet = arguments.contains("--quiet") || arguments.contains("-q")
        let options: ProfileOptions
        do {
            options = try ProfileOptions.parse(arguments.filter { $0 != "--quiet" && $0 != "-q" })
        } catch {
            Output.error("switchy run: \(error) (see switchy run --help)")
            return .usage
        }
        let profile: Profile
        do {
            profile = try Profile.load(path: options.path, overrides: options.overrides)
        } catch {
            Output.error("switchy run: \(error)")
            return .usage
        }

        var thresholds: [Threshold] = []
        do {
            for (index, text) in profile.thresholds.enumerated() {
                do { thresholds.append(try Threshold(text)) } catch {
                    throw ThresholdError(description: "\(profile.file): thresholds[\(index)]: \(error)")
                }
            }
            for text in cliThresholds {
                do { thresholds.append(try Threshold(text)) } catch {
                    throw ThresholdError(description: "--threshold: \(error)")
                }
            }
            if thresholds.isEmpty { thresholds = try Threshold.defaults.map { try Threshold($0) } }
        } catch {
            Output.error("switchy run: \(error)")
            return .usage
        }

        // Embedded simulated slaves, on loopback, for this run only.
        let simPassword = "sim-" + String(UUID().uuidString.prefix(8))
        let sims: (addresses: [Int: (host: String, port: Int)], slaves: [SimSlave])
        do {
            sims = try SimulatedSlaves.start(profile, password: simPassword)
        } catch let error as SimulatedSlaves.FaultError {
            Output.error("switchy run: \(error)")
            return .usage
        } catch {
            Output.error("switchy run: cannot start a simulated slave: \(error)")
            return .unreachable
        }
        defer { for sim in sims.slaves { sim.stop() } }

        let runID = "run-" + String(UUID().uuidString.lowercased().prefix(8))
        let plan: RunPlan
        do {
            plan = try profile.runPlan(runID: runID, simulated: sims.addresses, simulatedPassword: simPassword)
        } catch {
            Output.error("switchy run: \(error)")
            return .internalError
        }
        let runClock = DispatchRunClock()
        let mapping = WallClockMapping(
            monotonicStart: runClock.now(), unixMicrosecondsStart: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let report: RunReport
        do {
            report = try RunReport(base: profile.report.directory, name: profile.name, start: Date(), clock: mapping)
        } catch {
            Output.error("switchy run: \(error)")
            return .usage
        }

        let printer = ProgressPrinter(quiet: quiet)
        let load = LoadRun(
            plan: plan, clock: runClock, sink: { report.record($0) },
            progress: { progress in
                report.progress(progress)
                if let problem = report.newFolderProblem() {
                    Output.error("\nswitchy: warning: \(problem); the reports will go to a fallback folder at the end")
                }
                printer.update(progress)
            },
            warn: { Output.error("switchy: warning: \($0)") })
        let signals = SignalHandler { count in
            if count == 1 {
                Output.error("\nswitchy: stopping: no more calls; waiting for calls to end (Ctrl-C again to hang up now)")
            } else if count == 2 {
                Output.error("\nswitchy: hanging up the calls of this run now")
            }
            load.interrupt()
        }
        defer { signals.cancel() }
        if !quiet {
            Output.error("switchy: run \(runID) of \(profile.name) on \(plan.slaves.count) slave(s)")
        }

        let result: LoadRun.Result
        do {
            result = try await load.run()
        } catch {
            printer.finish()
            Output.error("switchy run: \(error)")
            try? FileManager.default.removeItem(at: report.directory)
            switch error {
            case .connect, .preflight: return .unreachable
            case .overLimits, .invalidPlan: return .usage
            }
        }
        printer.finish()
        let summary: RunSummary
        do {
            summary = try report.finish(
                result: result, plan: plan, profile: profile, thresholds: thresholds,
                junit: profile.report.formats.contains(.junit), html: profile.report.formats.contains(.html),
                fallbackBase: Self.fallbackBase)
        } catch {
            Output.error("switchy run: could not write the reports in \(report.directory.path): \(error)")
            return .internalError
        }
        Output.error(SummaryTable.render(summary, directory: report.writtenTo.path))
        if let reason = report.fallbackReason {
            // Last, so it is the line a user (or a CI log) sees at the end.
            Output.error("switchy run: \(reason)\nswitchy run: the reports were written to \(report.writtenTo.path) instead")
        }
        if result.interrupted { return .interrupted }
        return summary.passed ? .success : .commandFailed
    }

    /// Where the reports go when the results folder is gone or cannot be written at
    /// the end of a run: `$TMPDIR/switchy-results/` (`/tmp` without `TMPDIR`).
    static var fallbackBase: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("switchy-results")
    }

    struct ThresholdError: Error, CustomStringConvertible {
        var description: String
    }
}
