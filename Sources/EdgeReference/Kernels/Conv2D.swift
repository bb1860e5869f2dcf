import EdgeCore

// PLACEHOLDER until the kernel lands: lowering fails with a clear error.
func lowerConv2D(_ context: OpContext) throws -> LoweredOp {
  throw context.error(.unsupported, "\(context.op.kind.name) is not implemented yet")
}
