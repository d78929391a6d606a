// Entry of a worker process forked by `ForkPool`: answers task requests until the parent leaves.
import { serveTasks } from "./pool.js";
import { runTask } from "./tasks.js";

serveTasks(runTask);
