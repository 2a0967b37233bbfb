import LoadTest

/// `switchy check PROFILE [overrides]`: validates a profile without running it.
enum CheckCommand {
    static let usage = """
        USAGE: switchy check PROFILE [options]

        Reads and validates PROFILE (a JSON5 file, see README "Profiles") with the
        overrides below applied, and prints the effective scenario. Nothing is
        contacted: env: and file: passwords are resolved where they can be (one that
        cannot is a warning: run will need it), but no slave is connected to.
        --threshold rules are checked and listed. Each slave's share of the load is
        checked against the limits known without connecting (a sim's sps and
        max_sessions, or prepare's), as run's preflight will.

        OPTIONS:
        \(ProfileOptions.help)
          -h, --help           Show this help.

        EXIT CODES:
          0 the profile is valid; 2 it is not (one line on stderr naming the file, the
          field and what was expected) or bad usage.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        let options: ProfileOptions
        do {
            options = try ProfileOptions.parse(arguments)
        } catch {
            Output.error("switchy check: \(error) (see switchy check --help)")
            return .usage
        }
        if options.help {
            Output.print(usage)
            return .success
        }
        do {
            let profile = try lint(options)
            try SimulatedSlaves.checkFaults(profile)
            if let problem = PathProblem.resultsFolder(profile.report.directory) {
                Output.error("switchy check: report.dir \(profile.report.directory): \(problem); switchy run could not write its results there")
                return .usage
            }
            for (slave, problems) in profile.knownCapacityProblems {
                let text = problems.joined(separator: "; ")
                guard profile.preflight == .warn else {
                    Output.error("switchy check: \(slave): \(text); switchy run's preflight will refuse it (preflight: \"refuse\")")
                    return .usage
                }
                Output.error("switchy check: warning: \(slave): \(text)")
            }
            Output.print(profile.summary.joined(separator: "\n"))
            for threshold in options.thresholds { Output.print("threshold (--threshold): \(threshold)") }
            Output.print("OK: \(options.path) is valid")
            return .success
        } catch {
            Output.error("switchy check: \(error)")
            return .usage
        }
    }

    /// The profile; a password it cannot resolve is a warning (linting needs no
    /// secrets), and the rest is checked without it.
    static func lint(_ options: ProfileOptions) throws(ProfileError) -> Profile {
        do throws(ProfileError) {
            return try Profile.load(path: options.path, overrides: options.overrides)
        } catch {
            guard error.kind == .unresolvedSecret else { throw error }
            Output.error("switchy check: warning: \(error); switchy run will need it")
            return try Profile.load(path: options.path, overrides: options.overrides, resolvingSecrets: false)
        }
    }
}
