package io.pipewright.app.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A test class that runs on {@link OutageStack}: concurrently with the suite's other classes (which run one after
 * another on the shared stack), one such class at a time, and left alone by {@link LeftoverConnectors}, which cleans
 * the shared stack only.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(OnOutageStack.LOCK)
public @interface OnOutageStack {

    String LOCK = "outage-stack";
}
