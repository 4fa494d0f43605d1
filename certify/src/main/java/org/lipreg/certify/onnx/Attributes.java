package org.lipreg.certify.onnx;

import org.lipreg.certify.onnx.proto.OnnxProto.AttributeProto;
import org.lipreg.certify.onnx.proto.OnnxProto.NodeProto;

/** A node's attributes by name, with ONNX's defaults where the node leaves one out. */
final class Attributes {

    private final NodeProto node;

    Attributes(NodeProto node) {
        this.node = node;
    }

    private AttributeProto find(String name) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    boolean has(String name) {
        return find(name) != null;
    }

    long integer(String name, long otherwise) {
        AttributeProto a = find(name);
        return a == null ? otherwise : a.getI();
    }

    double number(String name, double otherwise) {
        AttributeProto a = find(name);
        return a == null ? otherwise : a.getF();
    }

    String string(String name, String otherwise) {
        AttributeProto a = find(name);
        return a == null ? otherwise : a.getS().toStringUtf8();
    }

    long[] integers(String name, long[] otherwise) {
        AttributeProto a = find(name);
        return a == null ? otherwise : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** @return the tensor attribute, or null */
    Constant tensor(String name) {
        AttributeProto a = find(name);
        return a == null || !a.hasT() ? null : Constant.of(a.getT());
    }

    /** @return the {@code Constant} node's value, whichever attribute holds it, or null */
    Constant constantValue() {
        Constant t = tensor("value");
        if (t != null) {
            return t;
        }
        AttributeProto a;
        if ((a = find("value_float")) != null) {
            return Constant.scalar(a.getF());
        }
        if ((a = find("value_floats")) != null) {
            return new Constant(new long[] {a.getFloatsCount()},
                    a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray(), false);
        }
        if ((a = find("value_int")) != null) {
            return new Constant(new long[0], new double[] {a.getI()}, true);
        }
        if ((a = find("value_ints")) != null) {
            return Constant.ints(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
        }
        return null;
    }
}
