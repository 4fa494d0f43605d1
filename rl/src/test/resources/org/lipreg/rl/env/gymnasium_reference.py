"""Writes the Gymnasium reference trajectories that GymnasiumTrajectoryTest replays.

Runs Gymnasium's own environment classes (gymnasium/envs/classic_control/*.py) with numpy and
prints every step's float64 values with repr(), which round-trips exactly through Java's
Double.parseDouble. Made with Gymnasium at Farama-Foundation/Gymnasium commit 3f0476a (1.4.0)
and numpy 2.4.6; `gymnasium` need not be installed, its source tree on PYTHONPATH is enough:

    PYTHONPATH=/path/to/Gymnasium python3 gymnasium_reference.py

It rewrites cartpole_500_steps.csv and mountain_car.csv beside this script.
"""

import os

import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleEnv
from gymnasium.envs.classic_control.continuous_mountain_car import Continuous_MountainCarEnv

HERE = os.path.dirname(os.path.abspath(__file__))


def cartpole_500_steps():
    """A whole CartPole-v1 episode: a simple controller keeps the pole up for 500 steps; the
    actions it chose are recorded, so the Java test replays them without a controller."""
    env = CartPoleEnv()
    env.reset(seed=0)
    env.state = np.array([0.01, -0.02, 0.03, 0.04], dtype=np.float64)
    rows = []
    for t in range(1, 501):
        x, x_dot, theta, theta_dot = env.state
        u = theta + 0.5 * theta_dot + 0.01 * x + 0.1 * x_dot
        action = 1 if u > 0 else 0
        _, reward, terminated, _, _ = env.step(action)
        assert not terminated, f"the pole fell at step {t}"
        rows.append([t, action, *(repr(float(v)) for v in env.state), repr(float(reward))])
    write("cartpole_500_steps.csv", "step,action,x,x_dot,theta,theta_dot,reward", rows)


def mountain_car():
    """MountainCarContinuous-v0 with float64 actions inside and outside [-1, 1]. numpy's type rules
    make the clipped steps round differently (a clipped force is a Python float, so the float32
    state is updated in float32), so the episodes visit every branch: a long swing to the goal,
    the left wall, and the speed limit in both directions. Row 0 of an episode is its start."""
    swing = [0.4, 1.7, -2.3, 0.9999, 3.0, -0.37, 1.0, -1.0, 0.123456789, -5.5]
    episodes = {
        # Push right for 30 steps, then left for 30, with varied magnitudes, until the flag.
        "swing": ((-0.5, 0.0), [(1 if (t // 30) % 2 == 0 else -1) * abs(swing[t % 10]) for t in range(1, 1000)]),
        "left_wall": ((-1.1, -0.05), [-2.0, -0.5, -1.0, -3.0] * 5 + [2.5, 0.7, 1.0, 1.2] * 5),
        "top_speed_right": ((-0.9, 0.069), [2.0, 1.0, 0.6, 1.5] * 6),
        "top_speed_left": ((-0.2, -0.069), [-2.0, -1.0, -0.6, -1.5] * 6),
        # In range, but held at the speed limit (a Python float): the position is summed in float32.
        "top_speed_in_range": ((0.49, -0.069), [-0.6, -0.9, -1.0] * 8),
        # Start found by bisection: the float32 sum lands on float32(0.45) = 0.44999998..., which
        # numpy compares with the goal 0.45 in float32, so the episode ends here.
        "goal_in_float32": ((0.4290267288492223, 0.01), [0.5, 2.0]),
    }
    rows = []
    for name, (start, actions) in episodes.items():
        env = Continuous_MountainCarEnv()
        env.reset(seed=0)
        env.state = np.array(start, dtype=np.float64)
        rows.append([name, 0, "", repr(start[0]), repr(start[1]), "", ""])
        for t, action in enumerate(actions, start=1):
            state, reward, terminated, _, _ = env.step(np.array([action], dtype=np.float64))
            rows.append([name, t, repr(action), repr(float(state[0])), repr(float(state[1])),
                         repr(float(reward)), str(terminated).lower()])
            if terminated:
                break
    write("mountain_car.csv", "episode,step,action,position,velocity,reward,terminated", rows)


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="\n") as out:
        out.write(header + "\n")
        for row in rows:
            out.write(",".join(str(v) for v in row) + "\n")


if __name__ == "__main__":
    cartpole_500_steps()
    mountain_car()
