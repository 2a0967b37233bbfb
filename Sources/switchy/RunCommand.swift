import Foundation
import LoadTest

/// `switchy run PROFILE [overrides]`: one load run, reports under `results/`.
enum RunCommand {
    static let usage = """
        USAGE: switchy run PROFILE [options]

        Runs the scenario of PROFILE (a JSON5 file, see README "Profiles"): offers
        calls at the profile's rate across its slaves, follows every call, and writes
        calls.csv, timeline.csv, summary.json, junit.xml and report.html under
        results/<UTC time>-<name>/.

        OPTIONS:
        \(ProfileOptions.help)
        \(ProfileOptions.segmentHelp)
          -q, --quiet          Print no progress (errors and the final summary only).
          --no-color           No colour in the live line (so does NO_COLOR=1).
          --progress-interval S
                               Without a terminal (CI logs): a progress line every
                               S seconds (default 5). On a terminal the live line
                               is redrawn in place every second.
          --metrics [ADDR:]PORT
                               Serve live metrics for Prometheus at
                               http://ADDR:PORT/metrics while the run goes
                               (ADDR 127.0.0.1 unless given; port 0 picks a free
                               one). See README "Live metrics".
          --metrics-linger S   Keep serving them S seconds after the run, so the
                               last scrape sees the final counts (Ctrl-C ends it).
          -h, --help           Show this help.

        Without --threshold or profile thresholds the run passes only when every call
        was answered and held: "asr == 1", "dropped == 0", "lost == 0" (a capacity
        search passes when a step held). A threshold with abort: true stops the run
        when it fails (verdict ABORTED, exit code 1).

        Ctrl-C (or SIGTERM) stops offering and lets calls end within the grace period;
        a second Ctrl-C hangs them up at once. Reports are written either way; an
        interrupted run does not pass (verdict INTERRUPTED, exit code 4). If the
        results folder is removed or cannot be written during the run, the reports go
        to $TMPDIR/switchy-results/<run folder>/ instead, and the path is printed.

        EXIT CODES:
          0 the run completed and every threshold held; 1 a threshold failed; 2 bad
          usage or profile, or the results folder cannot be written; 3 a slave could
          not be connected or authenticated; 4 interrupted; 70 internal error.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        let (profile, options): (Profile, ProfileOptions)
        switch parse(arguments) {
        case .success(nil):
            Output.print(usage)
            return .success
        case .success(let value?): (profile, options) = value
        case .failure(let message):
            Output.error("switchy run: \(message)")
            return .usage
        }
        let printer = progressPrinter(profile, options)
        let runID = RunSession.newRunID()
        let live: LiveEndpoint?
        do throws(ArgumentScanner.UsageError) {
            let segment = options.segment.isWhole ? "" : options.segment.description
            live = try LiveEndpoint.start(options.metrics, run: .init(runID: runID, name: profile.name, segment: segment))
        } catch {
            Output.error("switchy run: \(error)")
            return .usage
        }
        defer { live?.stop() }
        let session = RunSession(
            profile: profile, thresholds: options.thresholds, runID: runID, sinks: [printer] + (live.map { [$0.sink] } ?? []),
            startSimulators: SimulatedSlaves.starter, fallbackBase: fallbackBase,
            observer: observer(name: profile.name, options: options), segment: options.segment,
            runGroup: options.runGroup, startAt: options.startAt?.date)
        let signals = signalHandler(session, live: live)
        defer { signals.cancel() }
        let outcome: RunSession.Outcome
        do { outcome = try await session.run() } catch {
            if case .run = error { printer.finish() }
            Output.error("switchy run: \(message(for: error))")
            return exitCode(for: error)
        }
        live?.runEnded()
        report(outcome)
        await live?.lingerThenStop()
        if outcome.result.interrupted { return .interrupted }
        return outcome.summary.passed ? .success : .commandFailed
    }

    /// The live line (or progress lines); a segment's bar fills at its share of
    /// `max_offered`.
    static func progressPrinter(_ profile: Profile, _ options: ProfileOptions) -> ProgressPrinter {
        let load = profile.load
        return ProgressPrinter(
            quiet: options.quiet, noColour: options.noColour, interval: options.progressInterval,
            plan: ProgressPrinter.Plan(
                seconds: load.effectiveRunTime, calls: load.maxOffered.map { options.segment.share(of: $0) },
                search: load.search.map { ($0.stepTime, $0.rates) }))
    }

    /// Ctrl-C (or SIGTERM): the first stops offering, the second hangs up; once the run
    /// is over, one ends the metrics' linger.
    static func signalHandler(_ session: RunSession, live: LiveEndpoint?) -> SignalHandler {
        SignalHandler { count, signal in
            if live?.interruptLinger() == true { return }
            if count == 1 {
                Output.error("\nswitchy: stopping: no more calls; waiting for calls to end (Ctrl-C again to hang up now)")
            } else if count == 2 {
                Output.error("\nswitchy: hanging up the calls of this run now")
            }
            session.interrupt(reason: signal == SIGTERM ? "SIGTERM" : "SIGINT (Ctrl-C)")
        }
    }

    /// The end-of-run table, and where the reports went when not where asked.
    static func report(_ outcome: RunSession.Outcome) {
        Output.error(SummaryTable.render(outcome.summary, directory: outcome.directory.path))
        if let reason = outcome.fallbackReason {
            // Last, so it is the line a user (or a CI log) sees at the end.
            Output.error("switchy run: \(reason)\nswitchy run: the reports were written to \(outcome.directory.path) instead")
        }
    }

    /// The profile (with its overrides) and the options, nil for `--help`, or the
    /// message of a usage error.
    static func parse(_ arguments: [String]) -> Result<(profile: Profile, options: ProfileOptions)?, UsageError> {
        let options: ProfileOptions
        do {
            options = try ProfileOptions.parse(arguments)
        } catch {
            return .failure(UsageError("\(error) (see switchy run --help)"))
        }
        if options.help { return .success(nil) }
        do {
            let profile = try Profile.load(path: options.path, overrides: options.overrides)
            do throws(RunError) { try profile.checkSplit(into: options.segment) } catch {
                return .failure(UsageError("\(options.path): \(error) (--segment \(options.segment))"))
            }
            return .success((profile, options))
        } catch {
            return .failure(UsageError("\(error)"))
        }
    }

    /// Prints the run's start and its wait for `--start-at` (unless quiet) and its
    /// warnings on stderr.
    static func observer(name: String, options: ProfileOptions) -> RunSession.Observer {
        let quiet = options.quiet
        let segment = options.segment.isWhole ? "" : " (segment \(options.segment))"
        let startAt = options.startAt?.text ?? ""
        return RunSession.Observer(
            started: { runID, slaves in
                if !quiet { Output.error("switchy: run \(runID)\(segment) of \(name) on \(slaves) slave(s)") }
            },
            warning: { Output.error("switchy: warning: \($0)") },
            folderProblem: { Output.error("\nswitchy: warning: \($0); the reports will go to a fallback folder at the end") },
            waiting: { seconds in
                if !quiet { Output.error("switchy run: waiting \(String(format: "%.1f", seconds)) s until \(startAt) (--start-at)") }
            })
    }

    /// What to say about a run that did not produce its reports.
    static func message(for failure: RunSession.Failure) -> String {
        if case .simulators(let cause) = failure, !(cause is SimulatedSlaves.FaultError) {
            return "cannot start a simulated slave: \(cause)"
        }
        return "\(failure)"
    }

    /// The documented exit code of a run that did not produce its reports.
    static func exitCode(for failure: RunSession.Failure) -> ExitCode {
        switch failure {
        case .simulators(let error): error is SimulatedSlaves.FaultError ? .usage : .unreachable
        case .plan, .reports: .internalError
        case .reportFolder: .usage
        case .run(.connect), .run(.preflight): .unreachable
        case .run(.overLimits), .run(.invalidPlan): .usage
        }
    }

    /// Where the reports go when the results folder is gone or cannot be written at
    /// the end of a run: `$TMPDIR/switchy-results/` (`/tmp` without `TMPDIR`).
    static var fallbackBase: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("switchy-results")
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
