import Foundation
import LoadTest
import Testing

/// A corpus of broken profiles: each must fail with a ``ProfileError`` that names the
/// file, the field path and what was expected — never crash, never pass.
struct BrokenProfileTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var text: String
        var path: String
        var kind: ProfileError.Kind
        var message: String
        var testDescription: String { label }
    }

    static func row(
        _ label: String, _ text: String, _ path: String, _ kind: ProfileError.Kind, _ message: String
    ) -> Case {
        Case(label: label, text: text, path: path, kind: kind, message: message)
    }

    typealias P = ProfileFixtures

    static let corpus: [Case] = [
        // An empty file.
        row("empty", "", "", .syntax, "the file is empty"),
        // Comments only.
        row("comments only", "// TODO\n/* later */", "", .syntax, "the file is empty"),
        // Binary garbage.
        row("garbage", "\u{7F}ELF\u{2}\u{1}\u{1}", "", .syntax, "unexpected"),
        // A list instead of an object.
        row("top-level list", "[1, 2]", "", .wrongType, "expected a JSON5 object"),
        // A missing closing brace.
        row("unterminated", "{ slaves: [{ sim: {} }]", "", .syntax, "expected ',' or '}'"),
        // The same key twice.
        row("duplicate key", "{ name: 'a', name: 'b' }", "", .syntax, "duplicate key 'name'"),
        // No slaves.
        row("missing slaves", "{ call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }", "slaves", .missingField, "expected a list of slaves"),
        // No call.
        row("missing call", "{ slaves: [{ sim: {} }], load: { rate: 1, limit: 1, run_time: 1 } }", "call", .missingField, "missing"),
        // No load.
        row("missing load", "{ slaves: [{ sim: {} }], call: { dest: 'x' } }", "load", .missingField, "missing"),
        // A misspelt top-level key.
        row("misspelt top key", P.text(extra: "lod: {}"), "lod", .unknownField, "did you mean 'load'?"),
        // A key nobody knows.
        row("unknown key", P.text(extra: "colour: 'red'"), "colour", .unknownField, "expected one of: name, slaves"),
        // A name that cannot be a folder name.
        row("bad name", P.text(extra: "name: '../etc'"), "name", .invalidValue, "expected a name of 1 to 64"),
        // An empty slave list.
        row("no slaves", P.text(slaves: "[]"), "slaves", .invalidValue, "expected at least one slave"),
        // The same server twice (its default port made explicit).
        row("duplicate slave", P.text(slaves: "[{ host: 'fs' }, { host: 'fs', port: 8021 }]"), "slaves[1]", .invalidValue, "got fs:8021 again (it is slaves[0]"),
        // A port as a string.
        row("port string", P.text(slaves: "[{ sim: {} }, { host: 'fs', port: '8021' }]"), "slaves[1].port", .wrongType, "expected a TCP port, a whole number from 1 to 65535, got the string \"8021\""),
        // A port out of range.
        row("port range", P.text(slaves: "[{ host: 'fs', port: 70000 }]"), "slaves[0].port", .invalidValue, "got 70000"),
        // Remote and simulated at once.
        row("sim and host", P.text(slaves: "[{ host: 'fs', sim: {} }]"), "slaves[0]", .conflict, "either remote"),
        // A remote slave without host.
        row("no host", P.text(slaves: "[{ port: 8021 }]"), "slaves[0].host", .missingField, "or 'sim'"),
        // A password from an unset variable.
        row("env unset", P.text(slaves: "[{ host: 'fs', password: 'env:SWITCHY_UNSET_VAR' }]"), "slaves[0].password", .unresolvedSecret, "SWITCHY_UNSET_VAR is not set"),
        // A password from a missing file.
        row("file missing", P.text(slaves: "[{ host: 'fs', password: 'file:/nonexistent/pw' }]"), "slaves[0].password", .unresolvedSecret, "cannot read the password file /nonexistent/pw"),
        // A failure ratio above 1.
        row("failure ratio", P.text(slaves: "[{ sim: { failure_ratio: 1.5 } }]"), "slaves[0].sim.failure_ratio", .invalidValue, "from 0 to 1, got 1.5"),
        // A misspelt simulator option.
        row("sim typo", P.text(slaves: "[{ sim: { answer_dely: 1 } }]"), "slaves[0].sim.answer_dely", .unknownField, "did you mean 'answer_delay'?"),
        // Ringing after the answer.
        row("ring after answer", P.text(slaves: "[{ sim: { answer_delay: 0.1, ring_delay: 0.5 } }]"), "slaves[0].sim.ring_delay", .conflict, "<= answer_delay"),
        // A weight of zero.
        row("slave weight", P.text(slaves: "[{ sim: {}, weight: 0 }]"), "slaves[0].weight", .invalidValue, "got 0"),
        // No destination.
        row("missing dest", P.text(call: "{ profile: 'internal' }"), "call.dest", .missingField, "expected a destination"),
        // An unknown placeholder.
        row("bad placeholder", P.text(call: "{ dest: 'echo@{ip}' }"), "call.dest", .invalidValue, "unknown placeholder {ip}"),
        // Profile and gateway together.
        row("profile and gateway", P.text(call: "{ dest: 'x', profile: 'a', gateway: 'b' }"), "call", .conflict, "either 'profile' or 'gateway'"),
        // App and dialplan together.
        row("app and dp_exten", P.text(call: "{ dest: 'x', app: 'park', dp_exten: '100' }"), "call", .conflict, "either 'app' or 'dp_exten'"),
        // A context without an extension.
        row("context alone", P.text(call: "{ dest: 'x', context: 'lab' }"), "call.context", .conflict, "needs 'dp_exten'"),
        // A variable switchy sets itself.
        row("reserved variable", P.text(call: "{ dest: 'x', variables: { origination_uuid: 'u' } }"), "call.variables.origination_uuid", .invalidValue, "set by switchy"),
        // A variable whose value is an object.
        row("variable object", P.text(call: "{ dest: 'x', variables: { a: { b: 1 } } }"), "call.variables.a", .wrongType, "expected a string, number or boolean"),
        // A variable that cannot be written in an originate line.
        row("variable brace", P.text(call: "{ dest: 'x', variables: { a: 'x}y' } }"), "call.variables.a", .invalidValue, "cannot be put in an originate line"),
        // A space in the destination.
        row("dest space", P.text(call: "{ dest: 'echo @x' }"), "call.dest", .invalidValue, "cannot be put in an originate line"),
        // A zero originate timeout.
        row("originate timeout", P.text(call: "{ dest: 'x', originate_timeout: 0 }"), "call.originate_timeout", .invalidValue, "from 1 to 3600, got 0"),
        // A misspelt key in a slave's call override.
        row("slave call typo", P.text(slaves: "[{ sim: {}, call: { dst: 'x' } }]"), "slaves[0].call.dst", .unknownField, "did you mean 'dest'?"),
        // A negative rate.
        row("negative rate", P.text(load: "{ rate: -5, limit: 10, run_time: 10 }"), "load.rate", .invalidValue, "expected a number of calls per second > 0 (at most 100000), got -5"),
        // A zero rate.
        row("zero rate", P.text(load: "{ rate: 0, limit: 10, run_time: 10 }"), "load.rate", .invalidValue, "got 0"),
        // A rate as text.
        row("rate string", P.text(load: "{ rate: 'fast', limit: 10, run_time: 10 }"), "load.rate", .wrongType, "got the string \"fast\""),
        // A huge rate.
        row("rate 1e999", P.text(load: "{ rate: 1e999, limit: 10, run_time: 10 }"), "load.rate", .invalidValue, "got Infinity"),
        // NaN.
        row("rate NaN", P.text(load: "{ rate: NaN, limit: 10, run_time: 10 }"), "load.rate", .invalidValue, "got NaN"),
        // Rate and ramp together.
        row("rate and ramp", P.text(load: "{ rate: 5, ramp: { from: 1, to: 2, over: 3 }, limit: 10 }"), "load", .conflict, "either 'rate'"),
        // Neither rate nor ramp.
        row("no rate", P.text(load: "{ limit: 10, run_time: 10 }"), "load.rate", .missingField, "'rate' (calls per second) or 'ramp'"),
        // No limit.
        row("no limit", P.text(load: "{ rate: 5, run_time: 10 }"), "load.limit", .missingField, "most concurrent calls"),
        // Nothing says when to stop.
        row("no stop", P.text(load: "{ rate: 5, limit: 10 }"), "load.run_time", .missingField, "'max_offered'"),
        // A limit too large for any lab.
        row("huge limit", P.text(load: "{ rate: 5, limit: 1e30, run_time: 10 }"), "load.limit", .invalidValue, "got 1e+30"),
        // A fractional limit.
        row("fractional limit", P.text(load: "{ rate: 5, limit: 2.5, run_time: 10 }"), "load.limit", .invalidValue, "whole number from 1 to 1000000, got 2.5"),
        // A duration that is neither seconds nor auto.
        row("duration word", P.text(load: "{ rate: 5, limit: 10, run_time: 10, duration: 'forever' }"), "load.duration", .invalidValue, "whole seconds or \"auto\""),
        // A negative grace.
        row("negative grace", P.text(load: "{ rate: 5, limit: 10, run_time: 10, grace: -1 }"), "load.grace", .invalidValue, "got -1"),
        // lost_after must leave some time for the end of a call.
        row("lost_after zero", P.text(load: "{ rate: 5, limit: 10, run_time: 10, lost_after: 0 }"), "load.lost_after", .invalidValue, "how long past its expected end a call may go unseen in seconds > 0 (at most 604800, a week), got 0"),
        // lost_after as text.
        row("lost_after text", P.text(load: "{ rate: 5, limit: 10, run_time: 10, lost_after: '5s' }"), "load.lost_after", .wrongType, "in seconds > 0"),
        // max_offered zero.
        row("max_offered zero", P.text(load: "{ rate: 5, limit: 10, max_offered: 0 }"), "load.max_offered", .invalidValue, "got 0"),
        // A run time longer than a week.
        row("run_time huge", P.text(load: "{ rate: 5, limit: 10, run_time: 1e9 }"), "load.run_time", .invalidValue, "at most 604800"),
        // A negative stage rate.
        row("stage rate", P.text(load: "{ ramp: { stages: [{ rate: 1, for: 5 }, { rate: 2, for: 5 }, { rate: -5, for: 5 }] }, limit: 10 }"), "load.ramp.stages[2].rate", .invalidValue, "expected a number of calls per second >= 0 (at most 100000), got -5"),
        // A stage without its length.
        row("stage for", P.text(load: "{ ramp: { stages: [{ rate: 1 }] }, limit: 10 }"), "load.ramp.stages[0].for", .missingField, "length in seconds"),
        // No stages.
        row("stages empty", P.text(load: "{ ramp: { stages: [] }, limit: 10 }"), "load.ramp.stages", .invalidValue, "at least one stage"),
        // Stages and a linear ramp mixed.
        row("stages and from", P.text(load: "{ ramp: { stages: [{ rate: 1, for: 1 }], from: 1 }, limit: 10 }"), "load.ramp", .conflict, "remove 'from'"),
        // A linear ramp without its length.
        row("ramp over", P.text(load: "{ ramp: { from: 1, to: 10 }, limit: 10 }"), "load.ramp.over", .missingField, "length in seconds"),
        // A ramp that offers nothing.
        row("ramp zero", P.text(load: "{ ramp: { from: 0, to: 0, over: 10 }, limit: 10 }"), "load.ramp", .invalidValue, "offers nothing"),
        // An unknown app, close to a known one.
        row("unknown app", P.text(extra: "apps: [{ name: 'echo' }, { name: 'parc' }]"), "apps[1].name", .invalidValue, "unknown app \"parc\"; did you mean \"park\"?"),
        // An app weight of zero.
        row("app weight", P.text(extra: "apps: [{ name: 'park', weight: 0 }]"), "apps[0].weight", .invalidValue, "got 0"),
        // play_rec without its file.
        row("play_rec file", P.text(extra: "apps: [{ name: 'play_rec' }]"), "apps[0].args.file", .missingField, "play_rec needs 'file'"),
        // A misspelt app arg.
        row("app arg typo", P.text(extra: "apps: [{ name: 'dtmf_checker', args: { digitz: '12' } }]"), "apps[0].args.digitz", .unknownField, "did you mean 'digits'?"),
        // DTMF that is not DTMF.
        row("bad digits", P.text(extra: "apps: [{ name: 'dtmf_checker', args: { digits: '12x' } }]"), "apps[0].args.digits", .invalidValue, "expected DTMF digits"),
        // An empty app list.
        row("apps empty", P.text(extra: "apps: []"), "apps", .invalidValue, "at least one app"),
        // Thresholds as one string.
        row("thresholds string", P.text(extra: "thresholds: 'asr > 0.9'"), "thresholds", .wrongType, "expected a list of threshold strings"),
        // A threshold that is a number.
        row("threshold number", P.text(extra: "thresholds: ['asr > 0.9', 5]"), "thresholds[1]", .wrongType, "got 5"),
        // An unknown report format.
        row("report format", P.text(extra: "report: { formats: ['pdf'] }"), "report.formats[0]", .invalidValue, "expected one of csv, json, html, junit"),
        // A negative sps to prepare.
        row("prepare sps", P.text(extra: "prepare: { sps: -1 }"), "prepare.sps", .invalidValue, "got -1"),
        // A preflight policy that does not exist.
        row("preflight", P.text(extra: "preflight: 'maybe'"), "preflight", .invalidValue, "expected \"warn\" or \"refuse\""),
        // A threshold with a doubled operator.
        row("threshold syntax", P.text(extra: "thresholds: ['asr >= 0.9', 'asr >>> 0.9']"), "thresholds[1]", .invalidValue, "got \"asr >>> 0.9\": unexpected \">\""),
        // A threshold on a metric that does not exist.
        row("threshold metric", P.text(extra: "thresholds: ['asrr > 0.9']"), "thresholds[0]", .invalidValue, "unknown metric \"asrr\""),
        // A threshold without its right-hand side.
        row("threshold unfinished", P.text(extra: "thresholds: ['answer_ms.p99 <']"), "thresholds[0]", .invalidValue, "missing at the end"),
        // A threshold without a comparison.
        row("threshold no comparison", P.text(extra: "thresholds: ['answer_ms.p99']"), "thresholds[0]", .invalidValue, "no comparison"),
        // A limit past Double's range.
        row("limit 1e309", P.text(load: "{ rate: 5, limit: 1e309, run_time: 10 }"), "load.limit", .invalidValue, "got Infinity"),
        // A limit past Int64's range, written in digits.
        row("limit 20 digits", P.text(load: "{ rate: 5, limit: 99999999999999999999, run_time: 10 }"), "load.limit", .invalidValue, "got 1e+20"),
        // A rate past any lab, in digits.
        row("rate 20 digits", P.text(load: "{ rate: 99999999999999999999, limit: 10, run_time: 10 }"), "load.rate", .invalidValue, "at most 100000"),
        // A port past Double's range.
        row("port 1e309", P.text(slaves: "[{ host: 'fs', port: 1e309 }]"), "slaves[0].port", .invalidValue, "got Infinity"),
        // A limit as a boolean.
        row("limit bool", P.text(load: "{ rate: 5, limit: true, run_time: 10 }"), "load.limit", .wrongType, "got true"),
        // Slaves as an object.
        row("slaves object", P.text(slaves: "{ host: 'fs' }"), "slaves", .wrongType, "expected a list of slaves"),
        // The call as a string.
        row("call string", P.text(call: "'echo@{sip}'"), "call", .wrongType, "got the string"),
        // A misspelt key inside load.
        row("load typo", P.text(load: "{ rate: 5, limit: 10, run_time: 10, gracee: 1 }"), "load.gracee", .unknownField, "did you mean 'grace'?"),
        // An unknown app, close to nothing.
        row("unknown app far", P.text(extra: "apps: [{ name: 'conference' }]"), "apps[0].name", .invalidValue, "unknown app \"conference\""),
        // An unterminated string.
        row("unterminated string", "{ name: 'abc }", "", .syntax, "unterminated"),
        // An unterminated block comment.
        row("unterminated comment", "{ /* name: 'a' }", "", .syntax, "comment"),
        // Text after the object.
        row("trailing text", P.text() + " extra", "", .syntax, "after the end of the document"),
        // Nesting beyond any profile.
        row("deep nesting", String(repeating: "[", count: 200), "", .syntax, "nested deeper than 64 levels"),
        // NUL bytes and control characters.
        row("nul bytes", "\u{0}\u{0}\u{0}\u{1B}[2J", "", .syntax, "unexpected"),
    ]

    /// Raw bytes that are not text, or not UTF-8: refused as syntax errors with a
    /// position, never a crash.
    @Test(arguments: [
        // A PNG header.
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D],
        // Invalid UTF-8 at the start.
        [0xFF, 0xFE, 0xFD, 0x7B, 0x7D],
        // UTF-16 (little-endian, with its byte-order mark) of "{}".
        [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00],
        // A lone continuation byte where a value should be.
        [0x7B, 0x6E, 0x3A, 0x80, 0x7D],
    ] as [[UInt8]])
    func binaryGarbage(bytes: [UInt8]) {
        #expect {
            _ = try Profile.parse(bytes, file: "test.json5")
        } throws: { error in
            guard let error = error as? ProfileError else { return false }
            return error.file == "test.json5" && error.kind == .syntax && error.line != nil
                && error.description.hasPrefix("test.json5:")
        }
    }

    /// Invalid UTF-8 inside a string value: refused naming the field (the name cannot be
    /// a folder name), not mangled into a run.
    @Test func invalidUTF8InAValueNamesTheField() {
        let bytes = Array("{ name: '".utf8) + [0xC3, 0x28] + Array("', slaves: [{ sim: {} }], call: { dest: 'x' }, load: { rate: 1, limit: 1, run_time: 1 } }".utf8)
        #expect {
            _ = try Profile.parse(bytes, file: "test.json5")
        } throws: { error in
            (error as? ProfileError)?.path == "name"
        }
    }

    @Test(arguments: corpus)
    func refused(_ row: Case) {
        do {
            let profile = try ProfileFixtures.parse(row.text)
            Issue.record("accepted: \(profile.summary)")
        } catch {
            #expect(error.file == "test.json5")
            #expect(error.path == row.path)
            #expect(error.kind == row.kind)
            #expect(error.message.contains(row.message), "\(error)")
            #expect(error.line != nil, "every parse error has a position")
            #expect(error.description.hasPrefix("test.json5:\(error.line ?? 0):"))
            #expect(row.path.isEmpty || error.description.contains(": \(row.path): "))
        }
    }

    @Test func theCorpusIsLarge() {
        #expect(Self.corpus.count >= 30)
    }

    @Test(arguments: [
        // A missing file.
        ("/nonexistent/profile.json5", "no such file"),
        // A directory.
        ("/tmp", "is a directory"),
    ])
    func unreadableFiles(path: String, message: String) {
        #expect {
            _ = try Profile.load(path: path)
        } throws: { error in
            let error = error as? ProfileError
            return error?.kind == .unreadable && error?.file == path && error?.message.contains(message) == true
                && error?.description.hasPrefix("\(path): ") == true
        }
    }

    @Test func aHugeFileIsRefusedWithoutReadingIt() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchy-huge-\(UUID()).json5")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(repeating: 0x20, count: Profile.maximumFileSize + 10).write(to: url)
        #expect(throws: ProfileError(file: url.path, path: "", kind: .unreadable, message: "larger than 1024 KiB; is this really a profile?")) {
            _ = try Profile.load(path: url.path)
        }
    }

    @Test func anErrorShowsFileLineColumnPathAndExpectation() {
        let text = "{\n  slaves: [{ sim: {} }],\n  call: { dest: 'x' },\n  load: { rate: -5, limit: 1, run_time: 1 },\n}"
        #expect(throws: ProfileError(
            file: "test.json5", line: 4, column: 17, path: "load.rate", kind: .invalidValue,
            message: "expected a number of calls per second > 0 (at most 100000), got -5")) {
            _ = try ProfileFixtures.parse(text)
        }
        let error = ProfileError(file: "p.json5", line: 4, column: 17, path: "load.rate", kind: .invalidValue, message: "m")
        #expect(error.description == "p.json5:4:17: load.rate: m")
    }
}
