import Foundation

/// Reading `summary.json` back.
///
/// Every field is read, but ``RunFiles`` keeps only the run-level ones — name, id,
/// start/end, offering time, offered/blocked, per-slave limits, events and heartbeats,
/// warnings, notes, threshold verdicts. Everything counted per call (outcomes, causes,
/// SIP statuses, slaves' and apps' outcomes, latencies) it recomputes from `calls.csv`,
/// so a re-rendered or merged summary is built from the same records as the charts.
extension RunSummary {
    /// Decodes a `summary.json` object. Only `name`, `run_id`, `started_at`, `ended_at`
    /// and `offered` are required; a field older files may lack gets the value the run
    /// would have written (`duration_s` from the start and end, `call_rows` = `offered`,
    /// the rates from `offered` and `blocked`, …).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func optional<T: Decodable>(_ key: CodingKeys) throws -> T? { try container.decodeIfPresent(T.self, forKey: key) }
        schema = try optional(.schema) ?? 1
        guard schema == 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: container, debugDescription: "schema \(schema) is not supported (this switchy reads schema 1)")
        }
        name = try container.decode(String.self, forKey: .name)
        runID = try container.decode(String.self, forKey: .runID)
        segment = try optional(.segment)
        runGroup = try optional(.runGroup)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        endedAt = try container.decode(Date.self, forKey: .endedAt)
        durationSeconds = try optional(.durationSeconds) ?? endedAt.timeIntervalSince(startedAt)
        offeringSeconds = try optional(.offeringSeconds) ?? durationSeconds
        interrupted = try optional(.interrupted) ?? false
        interruption = try optional(.interruption) ?? (interrupted ? Interruption(reason: "interrupted", atSecond: nil) : nil)
        offered = try container.decode(Int.self, forKey: .offered)
        blocked = try optional(.blocked) ?? 0
        callRows = try optional(.callRows) ?? offered
        targetRate = try optional(.targetRate) ?? Self.rate(offered + blocked, over: offeringSeconds)
        achievedRate = try optional(.achievedRate) ?? Self.rate(offered, over: offeringSeconds)
        timelineStartUs = try optional(.timelineStartUs)
        outcomes = try optional(.outcomes) ?? [:]
        answered = try optional(.answered) ?? 0
        dropped = try optional(.dropped) ?? 0
        failed = try optional(.failed) ?? 0
        lost = try optional(.lost) ?? 0
        asr = try optional(.asr)
        dropRate = try optional(.dropRate)
        acdSeconds = try optional(.acdSeconds)
        hangupCauses = try optional(.hangupCauses) ?? [:]
        sipStatuses = try optional(.sipStatuses) ?? [:]
        apps = try optional(.apps) ?? [:]
        latencyMs = try optional(.latencyMs) ?? [:]
        quality = try optional(.quality) ?? [:]
        noMedia = try optional(.noMedia) ?? 0
        slaves = try optional(.slaves) ?? [:]
        warnings = try optional(.warnings) ?? []
        notes = try optional(.notes) ?? []
        prepare = try optional(.prepare)
        generator = try optional(.generator) ?? Generator()
        thresholds = try optional(.thresholds) ?? []
        defaultThresholds = try optional(.defaultThresholds) ?? false
        search = try optional(.search)
        abort = try optional(.abort)
        // An interrupted run never passes, also in a file written before that rule.
        passed = (try optional(.passed) ?? thresholds.allSatisfy(\.passed)) && !interrupted && abort == nil
    }

    /// Reads a `summary.json` file's bytes with the report files' JSON style.
    /// - Throws: ``ReportError`` naming `file` and the first missing or mistyped field.
    static func read(_ data: Data, file: String) throws(ReportError) -> RunSummary {
        do {
            return try ReportJSON.decoder().decode(RunSummary.self, from: data)
        } catch let error as DecodingError {
            throw ReportError(path: file, reason: Self.reason(error))
        } catch {
            throw ReportError(path: file, reason: "not valid JSON")
        }
    }

    /// What is wrong, naming the field by its path in the file (`slaves.sim-1.events`).
    private static func reason(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            "field \"\(path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "."))\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath + [key])) is missing"
        case .valueNotFound(let type, let context), .typeMismatch(let type, let context):
            return "\(field(context.codingPath)) is missing or not \(typeName(type))"
        case .dataCorrupted(let context) where context.codingPath.last?.stringValue == CodingKeys.schema.stringValue:
            return context.debugDescription
        case .dataCorrupted(let context):
            return "\(field(context.codingPath)) \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: Any].Type: "an object"
        case is [Any].Type: "a list"
        default: "\(type)"
        }
    }
}
