package dev.kiln.platform.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * A JDBC proxy over a real data source that counts every statement executed through it (each {@code execute*} call of
 * a {@link Statement}, prepared or not) and remembers its SQL, so that tests can assert how many round trips a request
 * really costs.
 */
public final class CountingDataSource {
    private final DataSource target;
    private final AtomicLong executed = new AtomicLong();
    private final List<String> statements = new CopyOnWriteArrayList<>();

    private CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** A counter over {@code target}. */
    public static CountingDataSource over(DataSource target) {
        return new CountingDataSource(target);
    }

    /** The counting data source to hand to the code under test. */
    public DataSource dataSource() {
        return proxy(
                DataSource.class,
                target,
                (method, result, args) ->
                        result instanceof Connection c ? proxy(Connection.class, c, this::wrapStatement) : result);
    }

    /** Statements executed so far. */
    public long count() {
        return executed.get();
    }

    /** The SQL of the statements executed so far, in order. */
    public List<String> statements() {
        return List.copyOf(statements);
    }

    /** Forgets the statements counted so far. */
    public void reset() {
        executed.set(0);
        statements.clear();
    }

    private Object wrapStatement(Method method, Object result, Object[] args) {
        if (result instanceof Statement s) {
            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
            Class<?> type = method.getReturnType();
            return proxy(type, s, (m, r, a) -> r, sql);
        }
        return result;
    }

    @FunctionalInterface
    private interface After {
        Object apply(Method method, Object result, Object[] args);
    }

    private <T> T proxy(Class<T> type, Object target, After after) {
        return proxy(type, target, after, null);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<?> type, Object target, After after, String preparedSql) {
        InvocationHandler handler = (p, method, args) -> {
            if (preparedSql != null || target instanceof Statement) {
                String name = method.getName();
                if (name.startsWith("execute")) {
                    executed.incrementAndGet();
                    statements.add(args != null && args.length > 0 && args[0] instanceof String s ? s : preparedSql);
                }
            }
            if (method.getName().equals("unwrap") || method.getName().equals("isWrapperFor")) {
                return invoke(method, target, args);
            }
            return after.apply(method, invoke(method, target, args), args);
        };
        return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
