import ESL
import Testing

/// Compares a simulated event stream with a capture's when several calls interleave
/// by the real server's timing: each originated channel's own sequence (by uuid),
/// the other channels' sequences as a multiset (their uuids are the server's own),
/// and the non-channel events as a multiset. Names and header-name sets, values aside.
struct CaptureComparison {
    /// Events neither side is compared on (periodic ones, and those the simulator
    /// does not produce).
    var ignored: Set<String> = ["HEARTBEAT", "RE_SCHEDULE"]
    /// The uuids the client chose (`origination_uuid`), present on both sides.
    var knownUUIDs: Set<String>
    /// Headers whose presence on an event races with the SIP stack on the real server
    /// (by event name); left out on both sides.
    var racing: [String: Set<String>] = [:]

    func compare(_ simulated: [Event], _ captured: [Event], sourceLocation: SourceLocation = #_sourceLocation) {
        let mine = simulated.filter { !ignored.contains($0.name ?? "") }
        let theirs = captured.filter { !ignored.contains($0.name ?? "") }
        let (ownKnown, ownOther, ownRest) = split(mine)
        let (realKnown, realOther, realRest) = split(theirs)
        #expect(ownKnown.keys.sorted() == realKnown.keys.sorted(), sourceLocation: sourceLocation)
        for (uuid, sequence) in realKnown {
            let own = ownKnown[uuid] ?? []
            #expect(own.map(\.name) == sequence.map(\.name), "channel \(uuid)", sourceLocation: sourceLocation)
            for (index, (a, b)) in zip(own, sequence).enumerated() where a != b {
                Issue.record("channel \(uuid) event #\(index + 1) \(a.difference(from: b))", sourceLocation: sourceLocation)
            }
        }
        #expect(ownOther.count == realOther.count, "channels with server-chosen uuids", sourceLocation: sourceLocation)
        for (a, b) in zip(ownOther, realOther) where a != b {
            let (mine, theirs) = (a.components(separatedBy: " | "), b.components(separatedBy: " | "))
            let index = (0..<min(mine.count, theirs.count)).first { mine[$0] != theirs[$0] } ?? min(mine.count, theirs.count)
            let own = index < mine.count ? mine[index] : "none"
            let real = index < theirs.count ? theirs[index] : "none"
            Issue.record(
                "a channel with a server-chosen uuid, event #\(index + 1) of \(mine.count) (\(theirs.count) captured): \(own) instead of \(real)",
                sourceLocation: sourceLocation)
        }
        let extra = ownRest.filter { !realRest.contains($0) }
        let missing = realRest.filter { !ownRest.contains($0) }
        #expect(ownRest == realRest, "events of no channel: extra \(extra), missing \(missing)", sourceLocation: sourceLocation)
    }

    private func shape(_ event: Event) -> EventShape {
        let shape = EventShape(event)
        guard let racing = racing[shape.name] else { return shape }
        return EventShape(name: shape.name, headers: shape.headers.subtracting(racing))
    }

    /// Known channels' shapes by uuid; the other channels' sequences, described and
    /// sorted; the events of no channel, described and sorted.
    private func split(_ events: [Event]) -> ([String: [EventShape]], [String], [String]) {
        let channels = Dictionary(grouping: events.filter { $0.uniqueID != nil }, by: { $0.uniqueID ?? "" })
            .mapValues { $0.map(shape) }
        let known = channels.filter { knownUUIDs.contains($0.key) }
        let others = channels.filter { !knownUUIDs.contains($0.key) }.values.map { sequence in
            sequence.map { "\($0.name) \($0.headers.sorted())" }.joined(separator: " | ")
        }.sorted()
        let rest = events.filter { $0.uniqueID == nil }.map { event in
            let body = event.name == "BACKGROUND_JOB" ? " → \(event.body ?? "")" : ""
            return "\(EventShape(event).name) \(EventShape(event).headers.sorted())\(body)"
        }.sorted()
        return (known, others, rest)
    }
}
