import IPCKit

extension SysVSemaphoreSetDetails: KindPresentation {
  func visit<Sink: FieldSink>(into fields: inout DetailFields<Sink>) {
    fields.add("semaphores", "semaphores", .number(count))
    guard fields.detail else { return }
    fields.time("last_operation", "last semop", lastOperation)
    fields.add("semaphore_states", "values", statesJSON, statesText)
  }

  var usage: String { "\(known(count)) sems" }
  var listedSize: UInt64? { nil }

  private var statesJSON: JSON {
    guard let states else { return .null }
    return .array(
      states.map {
        .object([
          ("value", .number($0.value)), ("waiting_for_increase", .number($0.waitingForIncrease)),
          ("waiting_for_zero", .number($0.waitingForZero)), ("last_pid", .number($0.lastPID)),
        ])
      })
  }

  private var statesText: String {
    guard let states else { return "- (no read permission)" }
    return states.enumerated().map { index, state in
      "\n    [\(index)] value \(state.value), waiting for increase \(state.waitingForIncrease),"
        + " for zero \(state.waitingForZero), last pid \(state.lastPID)"
    }.joined()
  }
}
