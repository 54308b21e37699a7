# The pattern of the classic CIFAR-10 ResNet files (He et al.'s 6n+2 nets with option-A
# shortcuts, as in the widely used resnet.py / trainer.py pair): the model, kaiming init
# through Module.apply, SGD with momentum and weight decay, MultiStepLR, the hand-set
# warm-up lr of resnet110, AverageMeter logging, top-k accuracy, and a checkpoint.
# (Written for this test from that structure; program_support gives the data and the order.)
import argparse

import torch
import torch.backends.cudnn as cudnn
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
import torch.optim
import torch.utils.data
from torch.utils.data import TensorDataset

import program_support as support


def _weights_init(m):
    if isinstance(m, nn.Linear) or isinstance(m, nn.Conv2d):
        init.kaiming_normal_(m.weight)


class LambdaLayer(nn.Module):
    def __init__(self, lambd):
        super(LambdaLayer, self).__init__()
        self.lambd = lambd

    def forward(self, x):
        return self.lambd(x)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            # option A: subsample by 2 and pad the new channels with zeros
            self.shortcut = LambdaLayer(lambda x: F.pad(
                x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4), "constant", 0))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        out = F.relu(out)
        return out


class ResNet(nn.Module):
    def __init__(self, block, num_blocks, num_classes=10):
        super(ResNet, self).__init__()
        self.in_planes = 16
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = self._make_layer(block, 16, num_blocks[0], stride=1)
        self.layer2 = self._make_layer(block, 32, num_blocks[1], stride=2)
        self.layer3 = self._make_layer(block, 64, num_blocks[2], stride=2)
        self.linear = nn.Linear(64, num_classes)
        self.apply(_weights_init)

    def _make_layer(self, block, planes, num_blocks, stride):
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for stride in strides:
            layers.append(block(self.in_planes, planes, stride))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = self.layer2(out)
        out = self.layer3(out)
        out = F.avg_pool2d(out, out.size()[3])
        out = out.view(out.size(0), -1)
        out = self.linear(out)
        return out


def resnet20():
    return ResNet(BasicBlock, [3, 3, 3])


def resnet110():
    return ResNet(BasicBlock, [18, 18, 18])


class AverageMeter(object):
    def __init__(self):
        self.reset()

    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count


def accuracy(output, target, topk=(1,)):
    maxk = max(topk)
    batch_size = target.size(0)
    _, pred = output.topk(maxk, 1, True, True)
    pred = pred.t()
    correct = pred.eq(target.view(1, -1).expand_as(pred))
    res = []
    for k in topk:
        correct_k = correct[:k].reshape(-1).float().sum(0)
        res.append(correct_k.mul_(100.0 / batch_size))
    return res


def train(train_loader, model, criterion, optimizer, epoch, args):
    losses = AverageMeter()
    top1 = AverageMeter()
    model.train()
    for i, (input, target) in enumerate(train_loader):
        output = model(input)
        loss = criterion(output, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        output = output.float()
        loss = loss.float()
        prec1 = accuracy(output.data, target)[0]
        losses.update(loss.item(), input.size(0))
        top1.update(prec1.item(), input.size(0))
        if i % args.print_freq == 0:
            print('Epoch: [{0}][{1}/{2}]\tLoss {loss.val:.4f} ({loss.avg:.4f})\t'
                  'Prec@1 {top1.val:.3f} ({top1.avg:.3f})'.format(
                      epoch, i, len(train_loader), loss=losses, top1=top1))


def validate(val_loader, model, criterion):
    losses = AverageMeter()
    top1 = AverageMeter()
    model.eval()
    with torch.no_grad():
        for i, (input, target) in enumerate(val_loader):
            output = model(input)
            loss = criterion(output, target)
            prec1, prec2 = accuracy(output.data, target, topk=(1, 2))
            losses.update(loss.item(), input.size(0))
            top1.update(prec1.item(), input.size(0))
    print(' * Prec@1 {top1.avg:.3f}  Loss {loss.avg:.4f}'.format(top1=top1, loss=losses))
    return top1.avg


def main():
    parser = argparse.ArgumentParser(description='CIFAR-style ResNet training')
    parser.add_argument('--arch', default='resnet20')
    parser.add_argument('--epochs', default=200, type=int)
    parser.add_argument('--start-epoch', default=0, type=int)
    parser.add_argument('-b', '--batch-size', default=128, type=int)
    parser.add_argument('--lr', default=0.1, type=float)
    parser.add_argument('--momentum', default=0.9, type=float)
    parser.add_argument('--weight-decay', default=1e-4, type=float)
    parser.add_argument('--print-freq', default=50, type=int)
    parser.add_argument('--warm-up', action='store_true')
    args = parser.parse_args()

    model = {'resnet20': resnet20, 'resnet110': resnet110}[args.arch]()
    support.same_start(model)
    cudnn.benchmark = True

    train_x, train_y, test_x, test_y = support.images((3, 32, 32), train=64, test=32)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    train_set = TensorDataset((torch.tensor(train_x) - mean) / std, torch.tensor(train_y))
    val_set = TensorDataset((torch.tensor(test_x) - mean) / std, torch.tensor(test_y))
    train_loader = torch.utils.data.DataLoader(
        train_set, batch_size=args.batch_size, sampler=support.EpochOrders(len(train_set)),
        num_workers=0, pin_memory=True)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=128, shuffle=False)

    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), args.lr, momentum=args.momentum,
                                weight_decay=args.weight_decay)
    lr_scheduler = torch.optim.lr_scheduler.MultiStepLR(
        optimizer, milestones=[2, 3], last_epoch=args.start_epoch - 1)

    if args.arch in ['resnet1202', 'resnet110'] or args.warm_up:
        # a warm-up at a tenth of the rate for the first epoch, then back to args.lr
        for param_group in optimizer.param_groups:
            param_group['lr'] = args.lr * 0.1

    best_prec1 = 0
    for epoch in range(args.start_epoch, args.epochs):
        print('current lr {:.5e}'.format(optimizer.param_groups[0]['lr']))
        train(train_loader, model, criterion, optimizer, epoch, args)
        lr_scheduler.step()
        prec1 = validate(val_loader, model, criterion)
        best_prec1 = max(prec1, best_prec1)
        if epoch == 0 and (args.arch in ['resnet1202', 'resnet110'] or args.warm_up):
            for param_group in optimizer.param_groups:
                param_group['lr'] = args.lr
        torch.save({'epoch': epoch + 1, 'state_dict': model.state_dict(),
                    'best_prec1': best_prec1}, support.path('checkpoint.th'))
    checkpoint = torch.load(support.path('checkpoint.th'))
    print('checkpoint epoch {} best {:.3f}'.format(checkpoint['epoch'], checkpoint['best_prec1']))
    support.finish(model)


if __name__ == '__main__':
    main()
