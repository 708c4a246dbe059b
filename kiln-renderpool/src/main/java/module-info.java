/** The render pool: bounded workers, a bounded queue and deadline-aware admission. Plain JDK, no dependencies. */
module dev.kiln.renderpool {
    exports dev.kiln.renderpool;
}
