using System.Buffers.Binary;
using HopSplit.Samples.Digits;
using HopSplit.Samples.Digits.Mnist;

namespace HopSplit.Runtime.Tests.Digits;

public class DigitsDatasetTests
{
    [Fact]
    public void Without_arguments_it_is_the_synthetic_set_with_fixed_seeds()
    {
        var data = DigitsDataset.Load(null);

        Assert.Equal(DigitsDataset.SyntheticTrainCount, data.Train.Count);
        Assert.Equal(DigitsDataset.SyntheticTestCount, data.Test.Count);
        Assert.Equal(Samples.Digits.Synthetic.SyntheticDigits.Generate(DigitsDataset.SyntheticTestCount, seed: 2).Labels, data.Test.Labels);
    }

    [Fact]
    public void Mnist_is_read_from_the_folder_given()
    {
        var folder = Directory.CreateTempSubdirectory("hopsplit-mnist-").FullName;
        try
        {
            foreach (var split in new[] { MnistSplit.Train, MnistSplit.Test })
            {
                var (images, labels) = MnistFolder.FileNames(split);
                var imageBytes = new byte[16 + 784];
                BinaryPrimitives.WriteInt32BigEndian(imageBytes, IdxFile.ImagesMagic);
                BinaryPrimitives.WriteInt32BigEndian(imageBytes.AsSpan(4), 1);
                BinaryPrimitives.WriteInt32BigEndian(imageBytes.AsSpan(8), 28);
                BinaryPrimitives.WriteInt32BigEndian(imageBytes.AsSpan(12), 28);
                File.WriteAllBytes(Path.Combine(folder, images), imageBytes);
                File.WriteAllBytes(Path.Combine(folder, labels), [0, 0, 8, 1, 0, 0, 0, 1, split == MnistSplit.Train ? (byte)3 : (byte)8]);
            }

            var data = DigitsDataset.Load(folder);

            Assert.Equal($"MNIST from {folder}", data.Description);
            Assert.Equal(new byte[] { 3 }, data.Train.Labels);
            Assert.Equal(new byte[] { 8 }, data.Test.Labels);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
