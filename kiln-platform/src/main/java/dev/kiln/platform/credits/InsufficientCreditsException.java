package dev.kiln.platform.credits;

/** A debit larger than the balance was refused; nothing was written. */
public final class InsufficientCreditsException extends RuntimeException {
    private final long cost;
    private final long balance;

    /** Creates the exception for a debit of {@code cost} against {@code balance}. */
    public InsufficientCreditsException(long cost, long balance) {
        super("this costs " + cost + " credits and the balance is " + balance, null, false, false);
        this.cost = cost;
        this.balance = balance;
    }

    /** Credits the refused debit asked for. */
    public long cost() {
        return cost;
    }

    /** The balance when the debit was refused. */
    public long balance() {
        return balance;
    }
}
