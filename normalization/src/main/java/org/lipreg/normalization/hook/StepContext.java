package org.lipreg.normalization.hook;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * What a {@link StepHook} knows about the training step it is called in.
 *
 * @param manager a manager that lives exactly as long as the step; arrays a hook creates for the
 *     step belong here, so they are freed when the step ends
 * @param epoch the epoch, counting from 0
 * @param batch the batch within the epoch, counting from 0
 * @param globalStep the number of optimizer steps taken before this one, over all epochs
 * @param inputs the step's input batch (what the model's forward receives); empty where a
 *     hook is called outside a training step
 */
public record StepContext(NDManager manager, int epoch, int batch, long globalStep, NDList inputs) {

    /**
     * Creates a context without inputs.
     *
     * @param manager the step's manager
     * @param epoch the epoch
     * @param batch the batch
     * @param globalStep the global step
     */
    public StepContext(NDManager manager, int epoch, int batch, long globalStep) {
        this(manager, epoch, batch, globalStep, new NDList());
    }
}
