public import Foundation

/// A validated load-test scenario, read from a JSON5 file in `profiles/`.
///
/// Every field is documented with its unit and default here and in README.md
/// ("Profiles"). A `Profile` value is always valid: ``load(path:environment:overrides:)`` and
/// ``applying(_:)`` refuse anything else with a ``ProfileError`` that names the file,
/// the field path and what was expected. Passwords are resolved at load time and never
/// appear in a description, an error or a summary.
///
/// ```json5
/// {
///   name: "demo",
///   slaves: [{ sim: {} }, { sim: {} }],
///   call: { dest: "echo@{sip}" },
///   load: { rate: 20, limit: 100, duration: 3, run_time: 15 },
///   apps: [{ name: "park" }],
/// }
/// ```
public struct Profile: Sendable, Equatable {
    /// The file this profile was read from, as given to ``load(path:environment:overrides:)``.
    public var file: String
    /// `name`: names the run and its results folder (`results/<UTC time>-<name>/`).
    /// Letters, digits, `-`, `_` and `.`. Default: the file name without extension.
    public var name: String
    /// `slaves`: the FreeSWITCH servers (or embedded simulators) that originate the
    /// calls. Required, at least one.
    public var slaves: [Slave]
    /// `call`: how each call is originated (each slave's effective copy, with its own
    /// overrides, is ``Slave/call``). Required (`call.dest` at least).
    public var call: Call
    /// `load`: rate, concurrency limit, hold time and when to stop. Required.
    public var load: Load
    /// `apps`: the weighted mix of call-control apps. Default: `[{ name: "park" }]`.
    public var apps: [App]
    /// `thresholds`: pass/fail criteria such as `"asr > 0.95"`, kept as written (checked
    /// with ``Threshold`` at load; the run evaluates them). An item may also be
    /// `{ rule, abort, after, window }` (``Abort``). Default: none.
    public var thresholds: [String]
    /// The thresholds that stop the run when they fail during it (`abort: true`).
    public var aborts: [Abort] = []
    /// `report`: where and in which formats results are written.
    public var report: Report
    /// `prepare`: limits to set on each slave before the run. Default: none.
    public var prepare: Prepare
    /// `preflight`: what to do when a slave's limits cannot fit the profile.
    /// Default: ``Preflight/refuse``.
    public var preflight: Preflight

    /// The top-level keys a profile may have.
    static let keys = ["name", "slaves", "call", "load", "apps", "thresholds", "report", "prepare", "preflight"]

    /// The largest profile file read (profiles are small; this keeps a wrong path,
    /// such as a log file, from being read whole).
    public static let maximumFileSize = 1 << 20

    /// Reads, parses and validates the profile at `path`, then applies `overrides`.
    ///
    /// - Parameters:
    ///   - path: the JSON5 file; messages name it as given.
    ///   - environment: where `env:VAR` passwords are looked up (and `ESL_PASSWORD` for a
    ///     slave without a password). Default: this process's environment.
    ///   - overrides: command-line changes (see ``applying(_:)``). When they replace the
    ///     slaves, the file's slaves are still checked but their passwords are not
    ///     resolved (an `env:` variable only the replaced slaves needed may be unset).
    ///   - resolvingSecrets: false to check `env:`/`file:` passwords' form only, not
    ///     read them (a lint that needs no secrets: `switchy check`); their values are
    ///     then empty.
    /// - Throws: ``ProfileError`` naming the file, the field path and what was expected.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: Overrides = Overrides(), resolvingSecrets: Bool = true
    ) throws(ProfileError) -> Profile {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            let reason = (error as? ReadError)?.text ?? "cannot be read (\(PathProblem.describe(error, at: URL(fileURLWithPath: path))))"
            throw ProfileError(file: path, path: "", kind: .unreadable, message: reason)
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(
            bytes, file: path, environment: environment, baseDirectory: directory.isEmpty ? "." : directory,
            overrides: overrides, resolvingSecrets: resolvingSecrets)
    }

    /// Parses and validates profile text.
    ///
    /// - Parameters:
    ///   - bytes: the JSON5 text (UTF-8).
    ///   - file: the name used in messages; the default `name` is its base name.
    ///   - environment: where `env:VAR` passwords are looked up.
    ///   - baseDirectory: where relative `file:PATH` passwords are read from.
    ///   - overrides: command-line changes, as for ``load(path:environment:overrides:resolvingSecrets:)``.
    ///   - resolvingSecrets: as for ``load(path:environment:overrides:resolvingSecrets:)``.
    public static func parse(
        _ bytes: [UInt8], file: String, environment: [String: String] = [:], baseDirectory: String = ".",
        overrides: Overrides = Overrides(), resolvingSecrets: Bool = true
    ) throws(ProfileError) -> Profile {
        let root: JSON5.Node
        do {
            root = try JSON5.parse(bytes)
        } catch {
            throw ProfileError(
                file: file, line: error.line, column: error.column, path: "", kind: .syntax, message: error.message)
        }
        let reader = ProfileReader(
            file: file, environment: environment, baseDirectory: baseDirectory,
            resolvesSecrets: resolvingSecrets && overrides.slaves == nil)
        let top = ProfileReader.Field(reader: reader, node: root, path: "")
        let object = try top.object("a JSON5 object with the profile's fields", keys: keys)
        return try Profile(object, file: file).applying(overrides)
    }

    private init(_ object: ProfileReader.Object, file: String) throws(ProfileError) {
        self.file = file
        if let field = object.optional("name") {
            name = try field.string("a name (letters, digits, '-', '_', '.')")
            guard Self.isValidName(name) else {
                throw field.error(.invalidValue, "expected a name of 1 to 64 letters, digits, '-', '_' or '.', \(field.got)")
            }
        } else {
            let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            name = Self.isValidName(stem) ? stem : "profile"
        }
        let callField = try object.required("call", "an object with at least 'dest', e.g. { dest: \"echo@{sip}\" }")
        call = try Call(callField)
        slaves = try Slave.list(
            object.required("slaves", "a list of slaves, e.g. [{ host: \"10.0.0.5\" }] or [{ sim: {} }]"), call: call,
            baseCall: try callField.object("", keys: Call.keys))
        load = try Load(object.required("load", "an object with 'rate' (or 'ramp'), 'limit' and 'run_time' or 'max_offered'"))
        apps = try object.optional("apps").map(App.list) ?? [App(name: .park)]
        (thresholds, aborts) = try object.optional("thresholds").map(Self.thresholdList) ?? ([], [])
        report = try object.optional("report").map(Report.init) ?? Report()
        prepare = try object.optional("prepare").map(Prepare.init) ?? Prepare()
        if let field = object.optional("preflight") {
            let text = try field.string("\"warn\" or \"refuse\"")
            guard let value = Preflight(rawValue: text) else {
                throw field.error(.invalidValue, "expected \"warn\" or \"refuse\", \(field.got)")
            }
            preflight = value
        } else {
            preflight = .refuse
        }
    }

    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-_.".contains($0) }
            && !name.hasPrefix(".")
    }

    private struct ReadError: Error { var text: String }

    private static func readFile(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(text: "no such file")
        }
        guard !isDirectory.boolValue else { throw ReadError(text: "is a directory; expected a profile file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ReadError(text: "cannot be read (permissions?)") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        guard data.count <= maximumFileSize else {
            throw ReadError(text: "larger than \(maximumFileSize / 1024) KiB; is this really a profile?")
        }
        return Array(data)
    }
}
