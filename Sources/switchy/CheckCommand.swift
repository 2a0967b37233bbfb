import LoadTest

/// `switchy check PROFILE [overrides]`: validates a profile without running it.
enum CheckCommand {
    static let usage = """
        USAGE: switchy check PROFILE [options]

        Reads and validates PROFILE (a JSON5 file, see README "Profiles") with the
        overrides below applied, and prints the effective scenario. Nothing is contacted:
        env: and file: passwords are resolved, but no slave is connected to.

        OPTIONS:
        \(ProfileOptions.help)
          -h, --help             Show this help.

        EXIT CODES:
          0 the profile is valid; 2 it is not (one line on stderr naming the file, the
          field and what was expected) or bad usage.
        """

    static func run(_ arguments: [String]) async -> ExitCode {
        if arguments.contains("-h") || arguments.contains("--help") {
            Output.print(usage)
            return .success
        }
        let options: ProfileOptions
        do {
            options = try ProfileOptions.parse(arguments)
        } catch {
            Output.error("switchy check: \(error) (see switchy check --help)")
            return .usage
        }
        do {
            let profile = try Profile.load(path: options.path, overrides: options.overrides)
            try SimulatedSlaves.checkFaults(profile)
            Output.print(profile.summary.joined(separator: "\n"))
            Output.print("OK: \(options.path) is valid")
            return .success
        } catch {
            Output.error("switchy check: \(error)")
            return .usage
        }
    }
}
