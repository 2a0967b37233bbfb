extension Timeline {
    /// Puts each slave's health row on the timeline row of its second (rows for a
    /// second the timeline has not are dropped: the sampler and the timeline tick on
    /// the same sweeper, so there are none but in a run cut short).
    static func attach(_ health: [SlaveHealthRow], to rows: inout [TimelineRow]) {
        let bySecond = Dictionary(grouping: health, by: \.second)
        for index in rows.indices { rows[index].slaves = bySecond[rows[index].second] ?? [] }
    }
}

extension TimelineRow {
    /// The row with `slaves` as its slaves' health rows.
    func with(slaves: [SlaveHealthRow]) -> TimelineRow {
        var row = self
        row.slaves = slaves
        return row
    }
}
