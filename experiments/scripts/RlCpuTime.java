// Thread CPU time per SAC update and per MBPO model step (lipreg), medians of 5 rounds: a figure
// that load from other processes on a shared machine disturbs less than wall time. Peer:
// experiments/scripts/rl_cpu_time.py. Usage (repo root, after ./lipreg --version built the jar; DIR = a
// build whose lipreg.jar and lib/ to time, e.g. experiments/target):
//   OMP_NUM_THREADS=1 java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp "DIR/lipreg.jar:DIR/lib/*" experiments/scripts/RlCpuTime.java
import org.lipreg.rl.sac.*; import org.lipreg.rl.model.*;
import java.util.*;
public class RlCpuTime {
  public static void main(String[] a) throws Exception {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    SplittableRandom r = new SplittableRandom(1);
    int n = 256;
    float[] s = new float[n*3], act = new float[n], rew = new float[n], s2 = new float[n*3];
    for (int i = 0; i < s.length; i++) { s[i] = (float) r.nextDouble(-1,1); s2[i] = (float) r.nextDouble(-1,1);}
    for (int i = 0; i < n; i++) { act[i] = (float) r.nextDouble(-1,1); rew[i] = (float) r.nextDouble(-1,0);}
    ReplayBuffer.Batch b = new ReplayBuffer.Batch(n, s, act, rew, s2, new float[n]);
    int rows = 2000; float[] st = new float[rows*3], ac = new float[rows], rw = new float[rows], nx = new float[rows*3];
    for (int i = 0; i < st.length; i++) { st[i] = (float) r.nextDouble(-1,1); nx[i] = st[i] + (float) r.nextDouble(-0.1,0.1);}
    for (int i = 0; i < rows; i++) { ac[i] = (float) r.nextDouble(-1,1); rw[i] = (float) r.nextDouble(-1,0);}
    TransitionData data = new TransitionData(3, 1, st, ac, rw, nx);
    try (SacAgent agent = SacAgent.builder().setSizes(3,1).optHidden(256,256).optSeed(1).build();
         LearnedDynamics model = LearnedDynamics.builder().setSizes(3,1).optTraining(50, 256).build()) {
      for (int i = 0; i < 30; i++) agent.update(b);
      model.train(data, r);
      double[] sac = new double[5], mb = new double[5];
      for (int k = 0; k < 5; k++) {
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < 100; i++) agent.update(b);
        long t1 = mx.getCurrentThreadCpuTime();
        model.train(data, r);
        long t2 = mx.getCurrentThreadCpuTime();
        sac[k] = (t1 - t0) / 1e6 / 100; mb[k] = (t2 - t1) / 1e6 / 50;
      }
      Arrays.sort(sac); Arrays.sort(mb);
      System.out.printf("cpu ms: sac %.3f, mbpo-model %.3f%n", sac[2], mb[2]);
    }
  }
}
