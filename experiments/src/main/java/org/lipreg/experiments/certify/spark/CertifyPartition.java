package org.lipreg.experiments.certify.spark;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.lipreg.experiments.certify.PointWork;
import org.lipreg.experiments.certify.RunFiles;

import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One Spark task of a certification: certifies its partition's points with a session of this
 * executor ({@link ExecutorSessions}), keeping each point's position for the driver's merge.
 */
final class CertifyPartition<S extends AutoCloseable, I extends Serializable, R extends Serializable>
        implements FlatMapFunction<Iterator<Tuple2<Integer, I>>, Tuple2<Integer, R>> {

    private static final long serialVersionUID = 1L;

    private final String id;
    private final Broadcast<RunFiles> files;
    private final PointWork<S, I, R> work;

    CertifyPartition(String id, Broadcast<RunFiles> files, PointWork<S, I, R> work) {
        this.id = id;
        this.files = files;
        this.work = work;
    }

    @Override
    @SuppressWarnings("unchecked") // sessions of this id were opened by this work
    public Iterator<Tuple2<Integer, R>> call(Iterator<Tuple2<Integer, I>> points) throws Exception {
        List<Tuple2<Integer, R>> out = new ArrayList<>();
        if (!points.hasNext()) {
            return out.iterator();
        }
        S session = (S) ExecutorSessions.acquire(id, files::value, work);
        try {
            while (points.hasNext()) {
                Tuple2<Integer, I> point = points.next();
                out.add(new Tuple2<>(point._1(), work.certify(session, point._2())));
            }
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
        ExecutorSessions.release(id, session);
        return out.iterator();
    }
}
