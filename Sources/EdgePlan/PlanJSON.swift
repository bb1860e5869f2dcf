import EdgeCore

extension MemoryPlan {
  /// plan.json: the arena size, the lower bound of the execution order and
  /// the gap between them, how the order was chosen and the order itself
  /// (operator indices by step), and every tensor's place, sorted by id.
  /// Built on EdgeCore's JSON so the bytes are the same on every run (fixed
  /// key order) and report.json can embed the same value.
  public func json(model: String) -> String {
    jsonValue(model: model).rendered() + "\n"
  }

  public func jsonValue(model: String) -> JSON {
    .object([
      ("model", .string(model)),
      ("arena_bytes", .int(arenaBytes)),
      ("lower_bound_bytes", .int(lowerBoundBytes)),
      ("fragmentation_bytes", .int(fragmentationBytes)),
      ("scratch_tail_bytes", .int(scratchTailBytes)),
      ("alignment", .int(alignment)),
      ("schedule", .string(schedule.rawValue)),
      ("placement", .string(placementOrder.rawValue)),
      ("order", .array(order.map { .int($0) })),
      ("tensors", .array(tensors.map(\.jsonValue))),
      ("scratch", .array(scratch.map(\.jsonValue))),
    ])
  }
}

extension PlannedScratch {
  public var jsonValue: JSON {
    .object([
      ("op", .int(opIndex)),
      ("step", .int(step)),
      ("offset", .int(offset)),
      ("bytes", .int(bytes)),
      ("requested_bytes", .int(requestedBytes)),
    ])
  }
}

extension PlannedTensor {
  public var jsonValue: JSON {
    .object([
      ("name", .string(name)),
      ("tensor", .int(tensor)),
      ("bytes", .int(bytes)),
      ("offset", .int(offset)),
      ("first_op", .int(firstOp)),
      ("last_op", .int(lastOp)),
      ("alias_of", aliasOf.map { .int($0) } ?? .null),
    ])
  }
}
