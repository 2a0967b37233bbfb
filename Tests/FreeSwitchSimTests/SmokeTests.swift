import ESL
import FreeSwitchSim
import Testing

@Suite struct SmokeTests {
    @Test func startsAndStops() throws {
        let slave = try SimSlave.start()
        #expect(slave.port > 0)
        slave.stop()
    }
}
